import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request validation: `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed with the
 * auth token, of the full URL Twilio called followed by every POST parameter, sorted by name,
 * as name then value with nothing between.
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const sorted = [...params.entries()].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + sorted.map(([name, value]) => name + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function hasValidTwilioSignature(
  header: string | string[] | undefined,
  authToken: string,
  url: string,
  params: URLSearchParams,
): boolean {
  if (typeof header !== 'string' || header.length === 0) return false;
  return sameBytes(Buffer.from(header.trim(), 'utf8'), Buffer.from(twilioSignature(authToken, url, params), 'utf8'));
}

/** How far the gateway's X-Timestamp may be from our clock: its docs advise ±5 minutes against replays. */
export const GATEWAY_TIMESTAMP_TOLERANCE_S = 300;

/**
 * The Android SMS gateway signs each webhook: `X-Signature` is the hex HMAC-SHA256, keyed with
 * the app's signing key, of the raw body followed by `X-Timestamp` (Unix seconds).
 */
export function gatewaySignature(signingKey: string, rawBody: Buffer, timestamp: string): string {
  return createHmac('sha256', signingKey).update(rawBody).update(timestamp, 'utf8').digest('hex');
}

export function hasValidGatewaySignature(
  signature: string | string[] | undefined,
  timestamp: string | string[] | undefined,
  signingKey: string,
  rawBody: Buffer,
  now: Date,
): boolean {
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > GATEWAY_TIMESTAMP_TOLERANCE_S) return false;
  if (!/^[0-9a-f]{64}$/i.test(signature.trim())) return false;
  return sameBytes(
    Buffer.from(signature.trim().toLowerCase(), 'hex'),
    Buffer.from(gatewaySignature(signingKey, rawBody, timestamp), 'hex'),
  );
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
