import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { citizenIdentities, citizens, type Citizen } from '../db/schema.js';
import type { CitizenRegistration } from './registration.js';
import type { Channel } from '../messages/inbound.js';
import type { CountryCode } from 'libphonenumber-js';
import { givenContacts, noteContacts } from './contacts.js';

/** One citizen per channel identity; the same person on two channels is linked later by staff (merge.ts). */
export async function findOrCreateCitizen(ex: Executor, channel: Channel, channelUserId: string): Promise<Citizen> {
  const existing = await ex
    .select({ citizen: citizens })
    .from(citizenIdentities)
    .innerJoin(citizens, eq(citizens.id, citizenIdentities.citizenId))
    .where(and(eq(citizenIdentities.channel, channel), eq(citizenIdentities.channelUserId, channelUserId)))
    .limit(1);
  if (existing[0]) return existing[0].citizen;
  const [citizen] = await ex.insert(citizens).values({}).returning();
  const linked = await ex
    .insert(citizenIdentities)
    .values({ citizenId: citizen!.id, channel, channelUserId })
    .onConflictDoNothing()
    .returning({ id: citizenIdentities.id });
  if (linked.length > 0) return citizen!;
  // Another transaction created the identity meanwhile (the insert waited for it to commit): use theirs.
  await ex.delete(citizens).where(eq(citizens.id, citizen!.id));
  return findOrCreateCitizen(ex, channel, channelUserId);
}

/**
 * Only what the citizen gave us; blanks never erase what we had. A phone or email given is kept as
 * a contact point too, which may propose a merge with a record that has it verified.
 */
export async function updateCitizenContact(
  ex: Executor,
  citizenId: number,
  data: { name?: string | undefined; phone?: string | undefined; email?: string | undefined },
  region?: CountryCode | undefined,
): Promise<void> {
  const values = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined && v !== ''));
  if (Object.keys(values).length === 0) return;
  await ex
    .update(citizens)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(citizens.id, citizenId));
  await noteContacts(ex, citizenId, givenContacts(data, region));
}

/** The registration fields given now join (and replace, field by field) those kept from earlier calls; none given, nothing written. */
export async function updateCitizenRegistration(ex: Executor, citizenId: number, data: CitizenRegistration | undefined): Promise<void> {
  const given = Object.fromEntries(Object.entries(data ?? {}).filter(([, v]) => v !== undefined && v !== ''));
  if (Object.keys(given).length === 0) return;
  await ex
    .update(citizens)
    .set({ registration: sql`coalesce(${citizens.registration}, '{}'::jsonb) || ${JSON.stringify(given)}::jsonb`, updatedAt: new Date() })
    .where(eq(citizens.id, citizenId));
}
