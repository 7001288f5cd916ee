import { z } from 'zod';
import { CaseType } from '../cases/case-type.js';
import { FieldId } from './script-schema.js';

/** What the citizen has told us so far; becomes a case draft once confirmed. */
export const Slots = z.object({
  description: z.string().optional(),
  type: CaseType.optional(),
  typeConfidence: z.number().optional(),
  /** Set when the citizen picked or confirmed the type themselves. */
  typeChosen: z.boolean().optional(),
  category: z.string().optional(),
  categoryConfidence: z.number().optional(),
  categoryChosen: z.boolean().optional(),
  address: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  name: z.string().optional(),
  anonymous: z.boolean().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  /** "No tengo teléfono": the case is followed in the chat only. */
  noContact: z.boolean().optional(),
  /** The phone is the one the channel gave (WhatsApp, a shared Telegram contact), not one the citizen typed. */
  phoneFromChannel: z.boolean().optional(),
  photos: z.number().int().default(0),
  photoSkipped: z.boolean().optional(),
  /** The citizen told of danger now; the case is flagged for staff. */
  emergency: z.boolean().optional(),
});
export type Slots = z.infer<typeof Slots>;

/**
 * Per-conversation dialog state, stored as JSON on the conversation so a restart resumes
 * exactly here. `awaiting` is the field the last prompt asked for.
 */
export const DialogState = z.object({
  version: z.literal(1),
  phase: z.enum(['idle', 'collecting', 'confirming', 'fixing', 'awaiting_folio', 'answered']),
  awaiting: FieldId.optional(),
  /** After a correction, go straight back to the confirmation. */
  returnToConfirm: z.boolean().default(false),
  slots: Slots,
  retries: z.number().int().min(0).default(0),
  lastFolio: z.string().optional(),
  /** Where to go back to after asking for a folio in the middle of collecting a case. */
  resume: z.object({ phase: z.enum(['idle', 'collecting', 'confirming', 'fixing', 'answered']), awaiting: FieldId.optional() }).optional(),
  /** The "a person will answer you" notice is said once per handoff, not on every message. */
  handoffNoticeSent: z.boolean().default(false),
  /** The number the channel vouched for (a contact the citizen shared on Telegram); kept across cases. */
  knownPhone: z.string().optional(),
  /** The catalogue procedure just given as an answer (phase `answered`), while the citizen says whether it helped. */
  answeredProcedure: z.string().optional(),
});
export type DialogState = z.infer<typeof DialogState>;

export function initialState(): DialogState {
  return {
    version: 1,
    phase: 'collecting',
    awaiting: 'description',
    returnToConfirm: false,
    slots: { photos: 0 },
    retries: 0,
    handoffNoticeSent: false,
  };
}

/** A new case from scratch, remembering what outlives one: the last folio and the number the channel gave. */
export function restart(state: DialogState): DialogState {
  const next = initialState();
  if (state.lastFolio) next.lastFolio = state.lastFolio;
  if (state.knownPhone) next.knownPhone = state.knownPhone;
  return next;
}

/** State read back from the database goes through the schema: a hand-edited or older row fails loudly. */
export function parseDialogState(json: unknown): DialogState {
  return DialogState.parse(json);
}
