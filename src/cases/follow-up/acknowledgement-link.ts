import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The routing sheet's acknowledgement link is a capability: whoever holds the mail may confirm
 * receipt, until it expires. It names the sheet and its expiry, signed with the instance-wide key.
 */
export function signAcknowledgementToken(secret: Buffer, sheetId: number, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${sheetId}.${expires}.${signature(secret, sheetId, expires)}`;
}

export type TokenCheck = { ok: true; sheetId: number; expiresAt: Date } | { ok: false; reason: 'forged' | 'expired' };

export function verifyAcknowledgementToken(secret: Buffer, token: string, now: Date): TokenCheck {
  const match = /^(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'forged' };
  const sheetId = Number(match[1]);
  const expires = Number(match[2]);
  const expected = Buffer.from(signature(secret, sheetId, expires));
  const given = Buffer.from(match[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
  // Checked after the signature, so an expired link is told apart from a made-up one only when it is genuine.
  if (now.getTime() >= expires * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, sheetId, expiresAt: new Date(expires * 1000) };
}

function signature(secret: Buffer, sheetId: number, expires: number): string {
  return createHmac('sha256', secret).update(`acuse:${sheetId}:${expires}`).digest('base64url');
}
