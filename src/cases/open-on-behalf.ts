import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { conversations } from '../db/schema.js';
import { NotFound } from '../errors.js';
import type { StaffPrincipal } from '../auth/sessions.js';
import { findOrCreateCitizen, updateCitizenContact, updateCitizenRegistration } from '../citizens/queries.js';
import { RegistrationInput, type RegistrationField } from '../citizens/registration.js';
import { InvalidInput } from '../errors.js';
import type { Db, Executor } from '../db/client.js';
import type { Actor } from './case-events.js';
import { OFFLINE_CHANNELS } from '../messages/inbound.js';
import { CaseType } from './case-type.js';
import { openCase, type CaseSettings, type OpenedCase } from './open-case.js';

const Optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** The same fields the bot collects. */
export const OpenOnBehalfInput = z.object({
  channel: z.enum(OFFLINE_CHANNELS),
  type: CaseType,
  category: z.string().trim().min(1).max(80),
  description: z.string().trim().min(3).max(4000),
  address: Optional(z.string().trim().max(300)),
  name: Optional(z.string().trim().max(200)),
  phone: Optional(z.string().trim().max(40)),
  email: Optional(z.email().max(254)),
  /** Staff ticked "sin contacto": the citizen gave neither phone nor email, knowingly. */
  noContact: z.boolean().optional(),
  /** The phone centre's fields, where the municipality turned them on (CITIZEN_REGISTRATION_FIELDS). */
  registration: RegistrationInput.optional(),
});
export type OpenOnBehalfInput = z.infer<typeof OpenOnBehalfInput>;

/** What the staff form may ask beyond the bot's fields. */
export interface OpenOnBehalfSettings {
  /** None when absent. */
  registrationFields?: readonly RegistrationField[] | undefined;
}

/**
 * A case an operator opens from a conversation (issue 18): the conversation's citizen and channel,
 * and the case linked to it, so the case page shows what was said and the answer goes back there.
 */
export const OpenFromConversationInput = OpenOnBehalfInput.omit({ channel: true }).extend({ conversationId: z.uuid() });
export type OpenFromConversationInput = z.infer<typeof OpenFromConversationInput>;

export async function openCaseFromConversation(
  db: Db,
  staff: StaffPrincipal,
  input: OpenFromConversationInput,
  settings: CaseSettings,
  now: Date,
): Promise<OpenedCase> {
  return db.transaction(async (tx) => {
    const [conversation] = await tx
      .select({ id: conversations.id, channel: conversations.channel, citizenId: conversations.citizenId })
      .from(conversations)
      .where(eq(conversations.id, input.conversationId))
      .limit(1);
    if (!conversation) throw new NotFound('error.conversation_not_found');
    // What the operator typed corrects or completes the citizen (blanks never erase what we had).
    await updateCitizenContact(
      tx,
      conversation.citizenId,
      { name: input.name, phone: input.phone, email: input.email },
      settings.phoneRegion ?? 'MX',
    );
    return openCase(
      tx,
      {
        type: input.type,
        category: input.category,
        description: input.description,
        address: input.address,
        citizenId: conversation.citizenId,
        channel: conversation.channel,
        conversationId: conversation.id,
        actor: { kind: 'staff', id: String(staff.id) },
      },
      settings,
      now,
    );
  });
}

/**
 * The citizen is identified on the offline channel by the contact they gave (phone, else email),
 * so a second call from the same number lands on the same citizen; without one, a fresh identity.
 * Staff must give a contact or say there is none: a case nobody can be told about is a decision,
 * not a slip. Registration fields are kept only when turned on; one sent anyway is refused rather
 * than dropped, so nobody believes it was recorded.
 */
export async function openCaseOnBehalf(
  db: Db,
  staff: StaffPrincipal,
  input: OpenOnBehalfInput,
  settings: CaseSettings & OpenOnBehalfSettings,
  now: Date,
): Promise<OpenedCase> {
  if (!input.phone && !input.email && input.noContact !== true) throw new InvalidInput('error.contact_required');
  const given = Object.entries(input.registration ?? {}).filter(([, v]) => v !== undefined);
  for (const [field] of given)
    if (!(settings.registrationFields ?? []).includes(field as RegistrationField))
      throw new InvalidInput('error.registration_field_off', { field });
  const birthdate = input.registration?.birthdate;
  if (birthdate && birthdate > now.toISOString().slice(0, 10)) throw new InvalidInput('error.birthdate_future');
  return db.transaction((tx) => openOfflineCase(tx, { kind: 'staff', id: String(staff.id) }, input, settings, now));
}

/**
 * The same inside the caller's unit of work: what staff type in and what a spreadsheet row brings
 * (issue 17) open their case the same way. `confidence` is the classifier's, when it chose the type.
 */
export async function openOfflineCase(
  tx: Executor,
  actor: Actor,
  input: Omit<OpenOnBehalfInput, 'channel'> & {
    channel: OpenOnBehalfInput['channel'] | 'open311';
    confidence?: number | undefined;
    latitude?: number | undefined;
    longitude?: number | undefined;
  },
  settings: CaseSettings,
  now: Date,
): Promise<OpenedCase> {
  const identity = input.phone?.replace(/\D/g, '') || input.email?.toLowerCase() || randomUUID();
  const citizen = await findOrCreateCitizen(tx, input.channel, identity);
  await updateCitizenContact(tx, citizen.id, { name: input.name, phone: input.phone, email: input.email }, settings.phoneRegion ?? 'MX');
  await updateCitizenRegistration(tx, citizen.id, input.registration);
  return openCase(
    tx,
    {
      type: input.type,
      category: input.category,
      description: input.description,
      address: input.address,
      latitude: input.latitude,
      longitude: input.longitude,
      confidence: input.confidence,
      citizenId: citizen.id,
      channel: input.channel,
      actor,
    },
    settings,
    now,
  );
}
