import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CaseType } from '../cases/case-type.js';
import { sourceAsset } from '../paths.js';
import { parseOrThrow } from '../errors.js';
import { LOCALES, type Locale } from '../i18n/index.js';

/** Fields the engine knows how to fill; a script orders them, words them and decides when each applies. */
export const FieldId = z.enum(['description', 'type', 'category', 'address', 'name', 'contact', 'photo']);
export type FieldId = z.infer<typeof FieldId>;

const Text = z.string().min(1).max(2000);
const Phrases = z.array(z.string().min(1).max(100)).min(1);

export const ScriptField = z.object({
  id: FieldId,
  prompt: Text,
  /** Said instead of `prompt` after an answer the engine could not use. */
  reprompt: Text,
  /** Only ask it for these case types (e.g. an address for reports and complaints only). */
  onlyFor: z.array(CaseType).optional(),
  /** `type` and `category` are asked only when the classifier is unsure. */
  askWhen: z.enum(['always', 'lowConfidence']).default('always'),
  optional: z.boolean().default(false),
  /** The label used for this field in the confirmation summary and the "what to correct" menu. */
  label: z.string().min(1).max(60),
});
export type ScriptField = z.infer<typeof ScriptField>;

const ScriptV1 = z.object({
  version: z.literal(1),
  locale: z.enum(LOCALES),
  /** Below this classifier confidence the citizen picks the type (or category) from buttons. */
  lowConfidenceThreshold: z.number().min(0).max(1).default(0.55),
  /** Unusable answers in a row before the conversation is handed to a person. */
  maxRetries: z.number().int().min(1).max(10).default(2),
  intents: z.object({
    greeting: Phrases,
    help: Phrases,
    human: Phrases,
    cancel: Phrases,
    status: Phrases,
    thanks: Phrases,
    skip: Phrases,
    anonymous: Phrases,
  }),
  fields: z.array(ScriptField).min(1),
  typeLabels: z.record(CaseType, z.string().min(1).max(60)),
  statusLabels: z.record(z.string(), z.string().min(1).max(60)),
  /** Labels of the buttons the engine adds by itself (confirmation, skipping the photo). */
  buttons: z.object({
    yes: z.string().min(1).max(20),
    no: z.string().min(1).max(20),
    skip: z.string().min(1).max(20),
    /** Under the contact question: the citizen has no phone or e-mail to give. */
    noContact: z.string().min(1).max(20),
  }),
  messages: z.object({
    greeting: Text,
    greetingAgain: Text,
    help: Text,
    understood: Text,
    understoodWithPlace: Text,
    photoReceived: Text,
    confirm: Text,
    confirmReprompt: Text,
    fixWhich: Text,
    caseOpenedInHours: Text,
    caseOpenedAfterHours: Text,
    cancelled: Text,
    nothingToCancel: Text,
    humanInHours: Text,
    humanAfterHours: Text,
    notUnderstoodHandoff: Text,
    /** The one notice while the conversation waits for a person, in office hours and out of them. */
    waitingForPerson: Text,
    waitingForPersonAfterHours: Text,
    /** Said first, from any step, when the message tells of danger now: {emergencia}, {proteccion_civil}. */
    emergency: Text,
    emergencyWithCivilProtection: Text,
    /** A first message with no matter ("tengo una queja"): what happened? With {tipo} when a type was named. */
    askWhatHappened: Text,
    askWhatHappenedType: Text,
    /** Text that is neither a municipal matter nor a question the catalogue answers. */
    outOfScope: Text,
    /** "¿Cómo va mi reporte?" without a folio: the citizen's open cases, one {casos} line each. */
    openCases: Text,
    openCaseLine: Text,
    noOpenCases: Text,
    /** "No tengo teléfono": the case is followed in the chat only. */
    contactDeclined: Text,
    /** "Este mismo número" where the channel does not tell the number. */
    contactNumberUnknown: Text,
    /** How the summary shows the number the channel gave: {telefono}. */
    knownPhone: Text,
    /** The summary's contact line after "no tengo". */
    noContactSummary: Text,
    /** The answer to "¿Dónde es?" told more of what happened; it joins the description. */
    placeIsDescription: Text,
    backToBot: Text,
    statusFound: Text,
    statusNotFound: Text,
    statusAskFolio: Text,
    thanks: Text,
    anonymousNoted: Text,
    unsupportedAttachment: Text,
  }),
  /** Answers from the catalogue of procedures; a script without this section never answers from it. */
  catalogue: z
    .object({
      /** Placeholders: {tramite} {resumen} {requisitos} {costo} {lugar} {horario_tramite} {plazo} {fundamento}. */
      answer: Text,
      askHelped: Text,
      helped: Text,
      openCase: Text,
      buttons: z.object({ helped: z.string().min(1).max(40), human: z.string().min(1).max(40), openCase: z.string().min(1).max(40) }),
    })
    .optional(),
});

/** Scripts are versioned documents; older versions are migrated forward here as the format evolves. */
export const DialogScript = z.discriminatedUnion('version', [ScriptV1]).superRefine((script, ctx) => {
  const ids = script.fields.map((f) => f.id);
  if (ids[0] !== 'description')
    ctx.addIssue({ code: 'custom', path: ['fields', 0, 'id'], message: 'the first field must be "description"' });
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) ctx.addIssue({ code: 'custom', path: ['fields'], message: `field "${duplicate}" appears twice` });
});
export type DialogScript = z.infer<typeof DialogScript>;

export class ScriptError extends Error {
  override name = 'ScriptError';
}

export function parseDialogScript(json: unknown, origin: string): DialogScript {
  return parseOrThrow(
    DialogScript,
    withDefaultTexts(json),
    (issues) => new ScriptError(`dialog script ${origin} is not valid:\n${issues}`),
  );
}

/**
 * A municipality's script written for an older Ventanilla lacks the messages, intents and buttons
 * added since; those come from the default script of its language, so an upgrade never refuses to start
 * and the municipality's own wording stays wherever it has some.
 */
function withDefaultTexts(json: unknown): unknown {
  if (!isRecord(json) || (json.locale !== 'es' && json.locale !== 'en')) return json;
  const defaults = defaultScriptJson(json.locale);
  const merged: Record<string, unknown> = { ...json };
  for (const section of ['messages', 'intents', 'buttons'] as const) {
    const own = json[section];
    if (isRecord(own)) merged[section] = { ...(defaults[section] as object), ...own };
  }
  return merged;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const defaultJson = new Map<string, Record<string, unknown>>();
function defaultScriptJson(locale: 'es' | 'en'): Record<string, unknown> {
  let json = defaultJson.get(locale);
  if (!json) {
    json = JSON.parse(readFileSync(sourceAsset('dialogs', 'scripts', `default.${locale}.json`), 'utf8')) as Record<string, unknown>;
    defaultJson.set(locale, json);
  }
  return json;
}

export function loadDialogScript(path?: string, locale: Locale = 'es'): DialogScript {
  const file = path ?? sourceAsset('dialogs', 'scripts', `default.${locale}.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ScriptError(`dialog script ${file} could not be read: ${(error as Error).message}`);
  }
  return parseDialogScript(json, file);
}
