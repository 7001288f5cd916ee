import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt: memory-hard, in Node's own crypto (no native add-on to build). 2^15 × 8 × 128 bytes
 * = 32 MiB per hash, about 0.1 s on our machines. Parameters are stored with each hash so they
 * can be raised later without invalidating old passwords.
 */
const DEFAULT = { logN: 15, r: 8, p: 1, keyLength: 32 };

function derive(password: string, salt: Buffer, logN: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { logN, r, p, keyLength } = DEFAULT;
  const key = await derive(password, salt, logN, r, p, keyLength);
  return ['scrypt', logN, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(logN), Number(r), Number(p), expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a password nobody knows (a random one, thrown away), made with the default
 * parameters: checking against it costs what checking a real account costs, from the first
 * attempt on, so an unknown email cannot be told apart by timing.
 */
const DUMMY_HASH = 'scrypt$15$8$1$4T7mOyEFvg-6wUXVjMkh9Q$GCi67H6w6q4hbOiPFtlHcQzTzdfWS1sdvin1ImtoV1c';
export async function burnPasswordCheck(password: string): Promise<void> {
  await verifyPassword(password, DUMMY_HASH);
}
