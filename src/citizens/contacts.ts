import { and, eq, isNull, ne, or } from 'drizzle-orm';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Executor } from '../db/client.js';
import { citizenContacts, citizenMergeProposals, citizens, type ContactKind } from '../db/schema.js';

/**
 * One person, many records: a citizen who writes on WhatsApp on Monday and mails on Thursday
 * starts as two. Each record keeps the phones and emails it is reachable at; when two records
 * share one and at least one of them has it from a channel that proves it (the WhatsApp or SMS
 * sender, a mail's sender, Telegram's "share my number"), they are proposed to staff for merging.
 * A typed phone alone proves nothing (anyone can type a neighbour's), so two typed ones never
 * make a proposal, and nothing is ever merged without a person confirming it.
 */

export interface ContactPoint {
  kind: ContactKind;
  value: string;
  verified: boolean;
}

/**
 * A phone as one key, E.164, or null. Read in the municipality's region when written without
 * "+"; WhatsApp's old mobile forms (+52 1 …, +54 9 …) are the same line as the national number.
 */
export function phoneKey(phone: string | null | undefined, region: CountryCode | undefined): string | null {
  const written = phone?.trim();
  if (!written) return null;
  if (!written.startsWith('+') && !region) return null;
  const parsed = parsePhoneNumberFromString(written, region);
  if (!parsed) return null;
  const national = String(parsed.nationalNumber);
  if (parsed.countryCallingCode === '52' && national.length === 11 && national.startsWith('1')) return `+52${national.slice(1)}`;
  if (parsed.countryCallingCode === '54' && national.length === 11 && national.startsWith('9')) return `+54${national.slice(1)}`;
  return parsed.isPossible() ? parsed.number : null;
}

export function emailKey(email: string | null | undefined): string | null {
  const value = email?.trim().toLowerCase();
  return value && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? value : null;
}

/** The contact points a message's channel vouches for. */
export function verifiedContacts(input: { channel: string; channelUserId: string; senderPhone?: string | undefined }): ContactPoint[] {
  const points: ContactPoint[] = [];
  const phone = phoneKey(input.senderPhone, undefined);
  if (phone) points.push({ kind: 'phone', value: phone, verified: true });
  const email = input.channel === 'email' ? emailKey(input.channelUserId) : null;
  if (email) points.push({ kind: 'email', value: email, verified: true });
  return points;
}

/** The contact points someone typed (a form, the dialog, a spreadsheet): not proof of anything. */
export function givenContacts(
  data: { phone?: string | undefined; email?: string | undefined },
  region: CountryCode | undefined,
): ContactPoint[] {
  const points: ContactPoint[] = [];
  const phone = phoneKey(data.phone, region);
  if (phone) points.push({ kind: 'phone', value: phone, verified: false });
  const email = emailKey(data.email);
  if (email) points.push({ kind: 'email', value: email, verified: false });
  return points;
}

/**
 * Keeps the citizen's contact points and proposes a merge with every other live record that shares
 * one, when either side has it verified and the pair was never proposed (a rejected pair stays
 * rejected). Inside the caller's unit of work; returns the proposals it made.
 */
export async function noteContacts(ex: Executor, citizenId: number, points: readonly ContactPoint[]): Promise<number[]> {
  const proposed: number[] = [];
  for (const point of points) {
    // A point seen before adds nothing, unless this time it comes verified.
    const insert = ex.insert(citizenContacts).values({ citizenId, kind: point.kind, value: point.value, verified: point.verified });
    const changed = await (point.verified
      ? insert.onConflictDoUpdate({
          target: [citizenContacts.citizenId, citizenContacts.kind, citizenContacts.value],
          set: { verified: true },
          setWhere: eq(citizenContacts.verified, false),
        })
      : insert.onConflictDoNothing()
    ).returning({ id: citizenContacts.id });
    if (changed.length === 0) continue;
    const others = await ex
      .select({ citizenId: citizenContacts.citizenId })
      .from(citizenContacts)
      .innerJoin(citizens, eq(citizens.id, citizenContacts.citizenId))
      .where(
        and(
          eq(citizenContacts.kind, point.kind),
          eq(citizenContacts.value, point.value),
          ne(citizenContacts.citizenId, citizenId),
          isNull(citizens.erasedAt),
          isNull(citizens.mergedInto),
          point.verified ? undefined : eq(citizenContacts.verified, true),
        ),
      );
    for (const other of others) {
      const [older, newer] = other.citizenId < citizenId ? [other.citizenId, citizenId] : [citizenId, other.citizenId];
      const [made] = await ex
        .insert(citizenMergeProposals)
        .values({ citizenId: older, otherCitizenId: newer, kind: point.kind, value: point.value })
        .onConflictDoNothing()
        .returning({ id: citizenMergeProposals.id });
      if (made) proposed.push(made.id);
    }
  }
  return proposed;
}

/** Every contact point and open proposal of an erased citizen goes with their data. */
export async function forgetContacts(ex: Executor, citizenId: number): Promise<void> {
  await ex.delete(citizenContacts).where(eq(citizenContacts.citizenId, citizenId));
  const involves = or(eq(citizenMergeProposals.citizenId, citizenId), eq(citizenMergeProposals.otherCitizenId, citizenId));
  await ex
    .update(citizenMergeProposals)
    .set({ status: 'rejected', decidedAt: new Date() })
    .where(and(eq(citizenMergeProposals.status, 'pending'), involves));
  await ex.update(citizenMergeProposals).set({ value: '' }).where(involves);
}
