import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta signs every webhook POST with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC of
 * the raw body>`. Checked on the bytes as received, before any parsing, in constant time.
 */
export function hasValidSignature(rawBody: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!.toLowerCase(), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Meta's subscription handshake: `hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
 * Returns the challenge to echo when the token is ours, otherwise null.
 */
export function handshakeChallenge(query: Record<string, unknown>, verifyToken: string): string | null {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return null;
  if (!sameSecret(token, verifyToken)) return null;
  return challenge;
}

function sameSecret(given: string, expected: string): boolean {
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  const a = createHmac('sha256', 'ventanilla').update(given).digest();
  const b = createHmac('sha256', 'ventanilla').update(expected).digest();
  return timingSafeEqual(a, b);
}
