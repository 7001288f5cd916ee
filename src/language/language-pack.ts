import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sourceAsset } from '../paths.js';
import { parseOrThrow } from '../errors.js';

/**
 * What the parsers recognise in one language, as data: the words of yes and no, the cues that
 * introduce a name or a place, the answers to the satisfaction survey, the Telegram commands.
 * The parsers themselves know no language; each takes a pack. Words are written folded
 * (lowercase, no accents) and matched as whole words, so "ayuda" never fires on "ayudante".
 */

const Word = z.string().min(1).max(40);
const Words = z.array(Word);
const Phrase = z.string().min(1).max(80);
const Phrases = z.array(Phrase);

const Intent = z.enum(['start', 'help', 'status', 'human', 'cancel']);

export const LanguagePack = z.object({
  locale: z.enum(['es', 'en']),
  yesNo: z.object({
    yes: Phrases.min(1),
    no: Phrases.min(1),
    /** Hedges: "no sé", "tal vez"; a reply with one is neither yes nor no. */
    unsure: Phrases,
    /** Words that negate an affirmative right after them: "no correcto". */
    negators: Words.min(1),
    /** Words that may sit between a negator and the affirmative it negates: "no es correcto". */
    negationBridge: Words,
  }),
  choice: z.object({
    /** Words around an ordinal that do not change it: "la opción 2 por favor". */
    ordinalFiller: Words,
    /** Ordinal words by position: index 0 names the first option. */
    ordinals: z.array(Words).max(10),
    /** "la última". */
    last: Words,
    /** What may follow the digits of an ordinal: "2da", "1st". */
    ordinalSuffixes: Words,
    /** Words of a label too common to match it by typo tolerance: "de", "la". */
    labelStopwords: Words,
    /** Too common to pick an option by being part of its label ("que" in "Queja"). */
    functionWords: Words,
  }),
  folio: z.object({
    /** Words after which a bare "2026-000123" is a folio. */
    cues: Words.min(1),
    /** "folio No. 2026-7", "folio número 2026-7". */
    numberWords: Words,
  }),
  phone: z.object({
    /** A number right after one of these words is an identifier, not a phone: "cuenta 1234567890". */
    notPhoneContext: Words,
  }),
  address: z.object({
    streetTypes: Words.min(1),
    /** Short words that are street types only when written as abbreviations: "C.", "Jr.". */
    streetNeedsDot: Words,
    /** Street types that are also everyday words: they need a number or a capitalized name. */
    streetAmbiguous: Words,
    /** Street types after which "a"/"al" belongs to the name: "camino a San Pedro". */
    streetToward: Words,
    towardWords: Words,
    abbreviations: Words,
    /** "Pte.", "norte": the side of the city after the house number. */
    directions: Words,
    areaTypes: Words.min(1),
    nameParticles: Words,
    /** Words that end a street name. The area types are added to them. */
    nameStop: Words,
    /** "No. 45", "número 45". */
    houseNumberWords: Words,
    /** "km 12". */
    kilometreWords: Words,
    /** "sin número". */
    withoutNumber: z.array(Words.min(1)),
    unitWords: Words,
    /** "esquina con Reforma". */
    corner: Words,
    /** "casi esquina". */
    almost: Words,
    /** What links a corner to its street: "con", "de", "y". */
    cornerLinks: Words,
    /** "entre Juárez y Morelos". */
    between: Words,
    /** What joins two streets: "y". */
    and: Words,
    /** "C.P. 06000". */
    postalCode: Words,
    /** What may introduce a qualifier: "en la colonia", "de la colonia". */
    qualifierLinks: Words,
    qualifierArticles: Words,
    /** "cerca del mercado", "a dos cuadras de la iglesia". */
    landmarkWords: Words,
    /** Words that, before a number, count things or time rather than name a street: "hace 3 días". */
    notStreetBeforeNumber: Words,
    /** What may follow the digits of a numbered street: "5th", "3ra". */
    ordinalSuffixes: Words,
    /** Street types written after the name: "Main St", "Oak Avenue". */
    streetSuffixes: Words,
    /** Suffixes that are also titles before a name ("St Mary", "Dr Smith"): no suffix when a capitalized word follows. */
    streetSuffixTitles: Words,
    /** Area types that are also everyday words ("la zona", "el sector salud"): they need a capitalized name, a number or a direction. */
    areaAmbiguous: Words,
    /** Areas named by one phrase: "downtown", "el centro"; `needsCue` when only "en el centro" says it is the place. */
    areasAlone: z.array(z.object({ phrase: Phrase, needsCue: z.boolean() })),
    /** Prepositions that put what follows in a place and are left out of it: "en", "at". */
    locatives: Phrases,
    /** Prepositions that mean "on" only before a street ("sobre Madero", "on Main St"); before anything else they mean "about". */
    streetLocatives: Phrases,
    /** References kept with the place: "frente", "a un lado", "a * cuadras" ("*" is any one word). */
    relations: Phrases,
    /** What joins a reference to its place: "frente a", "atrás del", "in front of". */
    relationLinks: Words,
    /** Links that carry an article ("al" is "a el"), so a name after them is a thing, not a person: "frente al Oxxo". */
    linksWithArticle: Words,
    /** Articles between a preposition and a place: "en la tesorería", "at the DMV". */
    placeArticles: Words,
    /** What joins a place to its complement: "iglesia de San José", "oficinas de catastro". */
    complementLinks: Words,
    /** Things a place can be named by: "escuela", "mercado", "centro de salud", "gas station". */
    landmarks: Phrases,
    /** Landmarks named by where they lead: "la salida a Monterrey", "la entrada al fraccionamiento". */
    towardLandmarks: Words,
    /** Public offices where a service is given (and complained about): "tesorería", "registro civil", "DIF". */
    offices: Phrases,
    /** Generic offices that are a place only with a complement: "módulo de licencias", "oficinas de catastro". */
    placeHeads: Phrases,
    /** Words that qualify a landmark without naming it: "mercado municipal", "secundaria técnica", "old market". */
    placeModifiers: Words,
    /** Capitalized words that are dates, not streets: "en Enero y Febrero". */
    notPlaceNames: Words,
  }),
  name: z.object({
    intros: z.array(
      z.object({
        phrase: Phrase,
        /** Unambiguous wherever it appears; the others must open a clause ("el nombre de la calle" is no intro). */
        anywhere: z.boolean(),
        /** Followed by anything ("soy nueva aquí"), so in a text that uses capitals the name must be capitalized. */
        strict: z.boolean(),
      }),
    ),
    /** Words after which an intro still opens a clause: "hola, me llamo…", "y soy…". */
    clauseOpeners: Words,
    titles: Words,
    /** Titles that are a name's initial unless written with a dot: "C. Juan Pérez". */
    titlesNeedDot: Words,
    /** "el señor Juan". */
    articles: Words,
    particles: Words,
    /** The particle that joins surnames only between capitals: "Ortega y Gasset". */
    joiners: Words,
    /** Words that never start or continue a name. */
    notName: Words,
    /** What may follow a name in a whole answer once phones and e-mails are removed. */
    afterName: Words,
    greetings: Words,
  }),
  contact: z.object({
    /** Openers that, before a contact word, say there is none to give: "no tengo", "prefiero no dar", "I don't have". */
    declineOpeners: Phrases,
    /** Words that may sit between an opener and the contact word: "no tengo ni teléfono", "I don't have a phone". */
    declineFiller: Words,
    /** "teléfono", "correo", "cel", "phone". */
    contactWords: Words.min(1),
    /** Whole answers that decline: "no tengo", "ninguno". */
    declineAlone: Phrases,
    /** "este mismo número", "al que te escribo", "this number": the number the citizen writes from, anywhere in the answer. */
    sameNumber: Phrases,
    /** "este", "el mismo", "this one": the same number only when they are the whole answer. */
    sameNumberAlone: Phrases,
    /** Words around a whole answer that do not change it: "sí, este por favor". */
    courtesy: Words,
  }),
  question: z.object({
    /** A text that starts with one of these is a question even without "?": "qué necesito para…". */
    openings: Phrases,
  }),
  survey: z.object({
    /** An answer that starts with one of these says the case was not solved: "no", "nope". */
    unsolvedOpeners: Words.min(1),
    /** Anywhere in the answer: "no se resolvió", "not solved". */
    unsolved: Phrases.min(1),
  }),
  emergency: z.object({
    /** Danger that gets the emergency number at once, from any step: "incendio", "huele a gas", "no respira". */
    cues: Phrases.min(1),
    /** What turns a cue into something else: "simulacro", "extintores", "la semana pasada". */
    notEmergency: Phrases,
  }),
  opener: z.object({
    /**
     * A first message made only of these words (and the type words) carries no matter: "tengo una
     * queja", "hola buenas, quería hacer un reporte". A "*" ends a prefix: "jaja*".
     */
    words: Words.min(1),
    /** Words that name a type of case; an opener with one says which type the citizen means. */
    types: z.object({ queja: Words, reporte: Words, sugerencia: Words, solicitud_informacion: Words }),
  }),
  place: z.object({
    /**
     * Words that tell what happened rather than where: an answer to "¿Dónde es?" with one of them
     * and no street, corner or landmark is more of the description, not a place.
     */
    describing: Words.min(1),
  }),
  status: z.object({
    /** The citizen's own cases named without a folio: "mi reporte", "lo que reporté". */
    ownCase: Phrases.min(1),
  }),
  telegram: z.object({
    /** The commands shown in the chat's menu, in order, and what each does. */
    menu: z.array(z.object({ command: z.string().regex(/^[a-z0-9_]{1,32}$/), intent: Intent.exclude(['start']) })).min(1),
    /** Every command understood, of any language, and what it does; unknown ones are "help". */
    commands: z.record(z.string().regex(/^[a-z0-9_]{1,32}$/), Intent),
    /** What each command becomes: the words the dialog scripts understand. */
    says: z.record(Intent, Phrase),
  }),
});
export type LanguagePack = z.infer<typeof LanguagePack>;
export type Locale = LanguagePack['locale'];

export class LanguagePackError extends Error {
  override name = 'LanguagePackError';
}

export function parseLanguagePack(json: unknown, origin: string): LanguagePack {
  return parseOrThrow(LanguagePack, json, (issues) => new LanguagePackError(`language pack ${origin} is not valid:\n${issues}`));
}

const loaded = new Map<Locale, LanguagePack>();

/** The pack of a locale, read and validated once. */
export function languagePack(locale: Locale): LanguagePack {
  let pack = loaded.get(locale);
  if (!pack) {
    const file = sourceAsset('language', `${locale}.json`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new LanguagePackError(`language pack ${file} could not be read: ${(error as Error).message}`);
    }
    pack = parseLanguagePack(json, file);
    if (pack.locale !== locale) throw new LanguagePackError(`language pack ${file} says it is "${pack.locale}"`);
    loaded.set(locale, pack);
  }
  return pack;
}

/** Spanish, the default locale: what a parser uses when its caller names no pack. */
export function defaultLanguagePack(): LanguagePack {
  return languagePack('es');
}
