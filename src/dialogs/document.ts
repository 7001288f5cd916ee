import type { CountryCode } from 'libphonenumber-js';
import type { Procedure } from '../catalogue/catalogue.js';
import type { Classification } from '../understanding/classification.js';
import { asksForInformation, isOnlyThanks, procedureSheet, type CaseDraft } from './engine.js';
import { languagePack } from '../language/language-pack.js';
import { extractAddress } from './parsers/address.js';
import { readOpener } from './parsers/opener.js';
import type { CaseType } from '../cases/case-type.js';
import { OFF_TOPIC_THRESHOLD } from '../understanding/classification.js';
import { isEmergency } from './parsers/emergency.js';
import { extractName } from './parsers/name.js';
import { extractPhone } from './parsers/phone.js';
import type { Gazetteer } from '../places/gazetteer.js';
import type { DialogScript, FieldId } from './script-schema.js';

/**
 * The engine's second pure entry: a message that arrives whole (an email) is read at once — no
 * back-and-forth — and the decision says what to do with it. The script decides which fields a
 * case of each type needs, for chat and email alike: what it would ask in a chat and the
 * document did not bring is named as missing in the one answer.
 */
export interface DocumentInput {
  subject: string;
  /** What the citizen wrote, quoted history and signature trimmed. */
  text: string;
  /** The sender's display name (an email's From), when it is a name rather than an address. */
  senderName: string | undefined;
  photos: number;
  /** The case the document's thread already belongs to. */
  thread: { caseId: number; hasAddress: boolean } | undefined;
  /** Nothing was said in this conversation before. */
  firstInConversation: boolean;
  /** The citizen already has a name on record: a later "soy vecino…" must not overwrite it. */
  citizenNamed: boolean;
}

export interface DocumentContext {
  classify(text: string): Classification;
  /** The catalogue procedure that answers a question; absent, every request becomes a case. */
  findProcedure?: ((text: string) => Procedure | undefined) | undefined;
  vars: Record<string, string>;
  /** Where a phone written without "+" is read (MX when absent). */
  phoneRegion?: CountryCode | undefined;
  /** The municipality's own place names, when it gave them. */
  gazetteer?: Gazetteer | undefined;
}

/** Fields a document can leave missing and the answer can ask for, in the script's order. */
export type MissingField = Extract<FieldId, 'address' | 'name' | 'photo'>;

export type DocumentDecision =
  /** A question the catalogue answers: answered at once, no case; the citizen replies to have one opened. */
  | { kind: 'answer_from_catalogue'; procedure: Procedure; sheet: string; name: string | undefined }
  /** "Gracias" to an answer: opens nothing, answers nothing. */
  | { kind: 'thanks' }
  /** Nothing to open a case with: only an opener ("tengo una queja"), or no municipal matter at all. Asked what happened. */
  | { kind: 'needs_matter'; reason: 'vague' | 'off_topic'; type: CaseType | undefined }
  /** A later message on its case: what it brings that the case lacked is added. */
  | { kind: 'add_to_case'; caseId: number; address: string | undefined; name: string | undefined; phone: string | undefined }
  | { kind: 'open_case'; draft: CaseDraft; missing: MissingField[] };

/** Off-topic is believed of mail this short at most. */
const SHORT_MAIL_WORDS = 30;

/** At most this many missing things are asked for in one answer: a long list goes unread. */
const MAX_ASKED = 2;

export function readDocument(script: DialogScript, input: DocumentInput, ctx: DocumentContext): DocumentDecision {
  const pack = languagePack(script.locale);
  if (input.thread) {
    return {
      kind: 'add_to_case',
      caseId: input.thread.caseId,
      address: input.thread.hasAddress ? undefined : extractAddress(input.text, pack, { gazetteer: ctx.gazetteer }),
      name: input.citizenNamed ? undefined : extractName(input.text, {}, pack),
      phone: extractPhone(input.text, { pack, region: ctx.phoneRegion }),
    };
  }
  // Subject and body are what a new case is classified from, and what the catalogue is asked.
  const whole = [input.subject, input.text].filter(Boolean).join('\n\n');
  const classification = ctx.classify(whole);
  if (input.firstInConversation && script.catalogue && ctx.findProcedure && asksForInformation(whole, classification)) {
    const procedure = ctx.findProcedure(whole);
    if (procedure)
      return { kind: 'answer_from_catalogue', procedure, sheet: procedureSheet(script, procedure, ctx.vars), name: input.senderName };
  }
  if (!input.firstInConversation && isOnlyThanks(script, input.text)) return { kind: 'thanks' };

  const name = input.senderName ?? extractName(input.text, {}, pack);
  const address =
    extractAddress(input.text, pack, { gazetteer: ctx.gazetteer }) ?? extractAddress(input.subject, pack, { gazetteer: ctx.gazetteer });
  if (address === undefined && input.photos === 0) {
    const opener = readOpener(whole, pack);
    if (opener) return { kind: 'needs_matter', reason: 'vague', type: opener.type };
    // Only short mail: a long letter is somebody's matter even when the model cannot place it.
    const words = whole.split(/\s+/).filter(Boolean).length;
    if (classification.offTopic >= OFF_TOPIC_THRESHOLD && words <= SHORT_MAIL_WORDS)
      return { kind: 'needs_matter', reason: 'off_topic', type: undefined };
  }
  const draft: CaseDraft = {
    type: classification.type,
    category: classification.category,
    description: input.text || input.subject,
    confidence: classification.confidence,
    address,
    name,
    phone: extractPhone(input.text, { pack, region: ctx.phoneRegion }),
    ...(isEmergency(whole, pack) ? { emergency: true } : {}),
  };
  const have: Record<MissingField, boolean> = { address: address !== undefined, name: name !== undefined, photo: input.photos > 0 };
  const missing = script.fields
    .filter((field): field is typeof field & { id: MissingField } => field.id in have)
    .filter((field) => !field.onlyFor || field.onlyFor.includes(draft.type))
    .filter((field) => !have[field.id])
    .map((field) => field.id)
    .slice(0, MAX_ASKED);
  return { kind: 'open_case', draft, missing };
}
