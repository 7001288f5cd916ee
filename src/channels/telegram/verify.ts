import { createHash, timingSafeEqual } from 'node:crypto';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Whether the webhook call carries our secret; compared in constant time, whatever its length. */
export function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || header.length === 0) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(header), digest(secret));
}
