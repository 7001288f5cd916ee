import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CaseType } from '../cases/case-type.js';
import { sourceAsset } from '../paths.js';
import { parseOrThrow } from '../errors.js';
import { LOCALES, type Locale, type Tone } from '../i18n/index.js';

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
    /** After a folio is given or looked up, when PUBLIC_URL is set: the link to its status page, {enlace}. */
    statusPageLink: Text,
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

/**
 * The other register of a default script: only the texts that change when the citizen is addressed as
 * «tú» (default.es.tu.json beside default.es.json, which is in «usted»). Fields are keyed by id, so the
 * file reads as "this prompt says, in tú…"; a key the base script lacks is an error, not a silent no-op.
 */
const ScriptToneOverlay = z
  .object({
    tone: z.literal('tu'),
    fields: z.partialRecord(FieldId, z.object({ prompt: Text, reprompt: Text }).partial().strict()).default({}),
    messages: ScriptV1.shape.messages.partial().strict().default({}),
    catalogue: ScriptV1.shape.catalogue.unwrap().omit({ buttons: true }).partial().strict().default({}),
  })
  .strict();

export function parseDialogScript(json: unknown, origin: string, tone: Tone = 'usted'): DialogScript {
  return parseOrThrow(
    DialogScript,
    withDefaultTexts(json, tone),
    (issues) => new ScriptError(`dialog script ${origin} is not valid:\n${issues}`),
  );
}

/**
 * A municipality's script written for an older Ventanilla lacks the messages, intents and buttons
 * added since; those come from the default script of its language (in the configured register), so an
 * upgrade never refuses to start and the municipality's own wording stays wherever it has some.
 */
function withDefaultTexts(json: unknown, tone: Tone): unknown {
  if (!isRecord(json) || (json.locale !== 'es' && json.locale !== 'en')) return json;
  const defaults = defaultScriptJson(json.locale, tone);
  const merged: Record<string, unknown> = { ...json };
  for (const section of ['messages', 'intents', 'buttons'] as const) {
    const own = json[section];
    if (isRecord(own)) merged[section] = { ...(defaults[section] as object), ...own };
  }
  return merged;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ScriptError(`dialog script ${file} could not be read: ${(error as Error).message}`);
  }
};

/** Only Spanish has a second register; English and «usted» are the base files as they are. */
const hasToneFile = (locale: Locale, tone: Tone) => locale === 'es' && tone === 'tu';

const defaultJson = new Map<string, Record<string, unknown>>();
/** The default script of a language in a register, as raw JSON: the base file with the register's texts laid over it. */
function defaultScriptJson(locale: Locale, tone: Tone): Record<string, unknown> {
  const cacheKey = `${locale}.${tone}`;
  let json = defaultJson.get(cacheKey);
  if (!json) {
    json = readJson(sourceAsset('dialogs', 'scripts', `default.${locale}.json`)) as Record<string, unknown>;
    if (hasToneFile(locale, tone)) {
      const file = sourceAsset('dialogs', 'scripts', `default.${locale}.${tone}.json`);
      const overlay = parseOrThrow(
        ScriptToneOverlay,
        readJson(file),
        (issues) => new ScriptError(`dialog script ${file} is not valid:\n${issues}`),
      );
      json = layTone(json, overlay);
    }
    defaultJson.set(cacheKey, json);
  }
  return json;
}

function layTone(base: Record<string, unknown>, overlay: z.infer<typeof ScriptToneOverlay>): Record<string, unknown> {
  const baseFields = base.fields as Array<Record<string, unknown>>;
  const unknownField = Object.keys(overlay.fields).find((id) => !baseFields.some((field) => field.id === id));
  if (unknownField)
    throw new ScriptError(`dialog script default.es.${overlay.tone}.json: field "${unknownField}" is not in the base script`);
  return {
    ...base,
    fields: baseFields.map((field) => ({ ...field, ...overlay.fields[field.id as FieldId] })),
    messages: { ...(base.messages as object), ...overlay.messages },
    catalogue: { ...(base.catalogue as object), ...overlay.catalogue },
  };
}

/** The default script of `locale` in `tone` when no path is given; a municipality's own file is used as written. */
export function loadDialogScript(path?: string, locale: Locale = 'es', tone: Tone = 'usted'): DialogScript {
  if (path) return parseDialogScript(readJson(path), path, tone);
  return parseDialogScript(defaultScriptJson(locale, tone), `default.${locale}.json (${tone})`, tone);
}
