import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sourceAsset } from '../paths.js';

/**
 * Wording cues that carry a message's type across regions and registers, where single words do
 * not: real complaints are often rhetorical questions ("¿para qué pagamos impuestos?"), sarcasm
 * ("gracias por nada") or "ya van 5 días"; suggestions open with a proposal ("Propuesta:",
 * "Más contenedores en…", "Que pongan…"); reports order a fix ("tapen el pozo"). Each cue is a
 * name; the models learn what it is worth. Matching works on `normalizeText` words (lowercase,
 * no accents, shorthand expanded) plus a few marks of the raw text. The word lists are data,
 * `classifier-cues.json`; the phrase patterns below are code.
 */

const Words = z.array(
  z
    .string()
    .min(1)
    .regex(/^[a-z0-9ǂ]+( [a-z0-9]+)*$/, 'a word as normalizeText leaves it'),
);

export const CueWords = z.object({
  licence: z.string().min(1),
  version: z.literal(1),
  notes: z.array(z.string()).optional(),
  /** Greetings and vocatives skipped before reading how a message opens ("Buenas tardes, ¿dónde…"). */
  leadingFillers: Words,
  /** Interrogatives that open a genuine question. */
  questionWords: Words,
  /** Openers that ask for information without a question word. */
  askingOpeners: Words,
  /** "Ustedes" imperatives: a citizen ordering a fix ("tapen el pozo", "vengan ya"). */
  imperatives: Words,
  /** Words that open a proposal, often as a bare noun phrase ("Programa de…", "Más luz en…"). */
  proposalOpeners: Words,
  /** Second words that make "que …" a wish rather than a question ("que pongan…"). */
  wishVerbs: Words,
  /** Words of the municipality failing its citizens. */
  neglect: Words,
  anger: Words,
  praise: Words,
  /** "3 días", "dos semanas": units and counts of a span of time the citizen has been waiting. */
  timeUnits: Words,
  countWords: Words,
  /** Marks of a letter or formal e-mail, as phrases. */
  formal: Words,
  /**
   * Verbs and auxiliaries that make a sentence of a message. Without any, a message is a noun
   * phrase: a form's title for a defect ("Luminaria apagada en…") or a proposal ("Papeleras en
   * la costanera"); what tells them apart is whether it names something broken (`defects`).
   */
  finite: Words,
  defects: Words,
  /**
   * With the fillers and question words, words that say nothing about what a message is about:
   * function words, pronouns, all-purpose verbs. A message made only of these ("hola", "quiero
   * comentarles algo", "tengo una duda") is conversation, however the corpus labels it.
   */
  contentFree: Words,
});
export type CueWords = z.infer<typeof CueWords>;

// Bits of the word sets a word belongs to, so one pass over a message answers all of them.
const IMPERATIVE = 1;
const NEGLECTING = 2;
const ANGRY = 4;
const PRAISING = 8;
const VERB = 16;
const DEFECT = 32;

interface CompiledCueWords {
  leadingFillers: ReadonlySet<string>;
  questionWords: ReadonlySet<string>;
  askingOpeners: ReadonlySet<string>;
  imperatives: ReadonlySet<string>;
  proposalOpeners: ReadonlySet<string>;
  wishVerbs: ReadonlySet<string>;
  timeUnits: ReadonlySet<string>;
  countWords: ReadonlySet<string>;
  formal: readonly string[];
  contentFree: ReadonlySet<string>;
  setBits: ReadonlyMap<string, number>;
}

let compiled: CompiledCueWords | undefined;

/** The bundled word lists, read and checked on first use rather than at import. */
function cueWords(): CompiledCueWords {
  if (compiled) return compiled;
  const words = CueWords.parse(JSON.parse(readFileSync(sourceAsset('understanding', 'classifier-cues.json'), 'utf8')));
  const setBits = new Map<string, number>();
  for (const [list, bit] of [
    [words.imperatives, IMPERATIVE],
    [words.neglect, NEGLECTING],
    [words.anger, ANGRY],
    [words.praise, PRAISING],
    [words.finite, VERB],
    [words.defects, DEFECT],
  ] as const) {
    for (const word of list) setBits.set(word, (setBits.get(word) ?? 0) | bit);
  }
  compiled = {
    leadingFillers: new Set(words.leadingFillers),
    questionWords: new Set(words.questionWords),
    askingOpeners: new Set(words.askingOpeners),
    imperatives: new Set(words.imperatives),
    proposalOpeners: new Set(words.proposalOpeners),
    wishVerbs: new Set(words.wishVerbs),
    timeUnits: new Set(words.timeUnits),
    countWords: new Set(words.countWords),
    formal: words.formal,
    contentFree: new Set([...words.leadingFillers, ...words.questionWords, ...words.contentFree]),
    setBits,
  };
  return compiled;
}

/** What, beside praise, makes it sarcasm ("gracias por nada, otra semana sin luz"); sincere thanks name a fix instead. */
const GRIEVANCE =
  /(^| )(sin|otra vez|otra semana|otro mes|otra noche|otro dia|otro ano|una semana tarde|ni una|ni un|por nada|lastima|mientras|ah no|nunca|nada|record|si te gusta|seguimos|sigue|siguen)( |$)/;

const SARCASTIC_EMOJI = /[🙃🙄🤡👏🤔😒]/u;
const ANGRY_EMOJI = /[😡🤬😤💩]/u;

function isShouting(text: string): boolean {
  let letters = 0;
  let upper = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) {
      letters++;
      upper++;
    } else if (code >= 97 && code <= 122) letters++;
    else if (code >= 0xc0 && code <= 0x24f) {
      const ch = text[i]!;
      if (ch.toLowerCase() !== ch.toUpperCase()) {
        letters++;
        if (ch === ch.toUpperCase()) upper++;
      }
    }
  }
  // A minimum length keeps acronyms and one-word messages ("OK", "CURP") from counting as shouting.
  return letters >= 10 && upper / letters >= 0.7;
}

function wordSets(words: readonly string[]): number {
  const { setBits } = cueWords();
  let bits = 0;
  for (const w of words) bits |= setBits.get(w) ?? 0;
  return bits;
}

export function isContentWord(word: string): boolean {
  return !cueWords().contentFree.has(word);
}

/** Index of the first word after greetings and vocatives (0 when the message is nothing else). */
export function openingIndex(words: readonly string[]): number {
  let i = 0;
  const { leadingFillers } = cueWords();
  while (i < words.length && i < 4 && leadingFillers.has(words[i]!)) i++;
  return i === words.length ? 0 : i;
}

/**
 * The cues of one message. `words` is `normalizeText(text).split(' ')`; `text` the message as
 * written (for "?", "#", "@", capitals and emoji). Returns cue names, each at most once.
 */
export function detectCues(text: string, words: readonly string[], joined: string): string[] {
  const cues: string[] = [];
  const { questionWords, askingOpeners, imperatives, proposalOpeners, wishVerbs, formal } = cueWords();
  const start = openingIndex(words);
  const first = words[start] ?? '';
  const second = words[start + 1] ?? '';
  const question = text.includes('?') || text.includes('¿');
  const sets = wordSets(words);
  if (question) cues.push('question');
  const asks = questionWords.has(first) || ((first === 'a' || first === 'en') && questionWords.has(second));
  if (asks) cues.push(question ? 'asks' : 'asks-unmarked');
  else if (askingOpeners.has(first) && question) cues.push('asks-verb');
  if (imperatives.has(first)) cues.push('imperative-open');
  else if (sets & IMPERATIVE) cues.push('imperative');
  if (proposalOpeners.has(first) && !question) cues.push('proposal-open');
  if (first === 'que' && wishVerbs.has(second) && !question) cues.push('wish');
  if (
    (first === 'por' && second === 'que' && words[start + 2] === 'no') ||
    (first === 'y' && second === 'si') ||
    (first === 'que' && second === 'tal')
  )
    cues.push('proposal-question');
  if (joined.includes('no se podria') || joined.includes('no seria') || joined.includes('no pueden') || joined.includes('no convendria'))
    cues.push(question ? 'proposal-question' : 'could');
  if (/(^| )(seria|estaria|seria muy) (bueno|bien|ideal|genial|bonito|lindo|buena idea|util|importante)/.test(joined))
    cues.push('would-be-good');
  // Rhetorical questions: the answer is the complaint.
  if (
    question &&
    /(^| )(para que (pagamos|pago|sirve|sirven|existe|existen|tienen|tenemos|hicieron|nos|te|publican|piden)|hasta cuando|cuanto mas|cuantas veces|cuantos .* mas|que esperan|que tiene que pasar|es mucho pedir|es tan dificil|como puede ser|en serio|a quien le importa|alguien del|nadie|y (la|el|los|las) .{2,20}$|donde (esta|estan) (la|el|los|las))/.test(
      joined,
    )
  )
    cues.push('rhetorical');
  if (sets & NEGLECTING) cues.push('neglect');
  if (
    /(^| )(no (hacen|hace|hicieron|vino|vienen|viene|contestan|contesta|responden|responde|aparece|aparecen|pasa|pasan|llega|llegan) nada|ni (una|un|siquiera|aparece|caso)|no hacen caso)/.test(
      joined,
    )
  )
    cues.push('neglect-phrase');
  if (/(^| )(ya|llevamos|llevo|lleva|llevan|van|vamos para|hace|hacen|desde hace) /.test(joined) && durationWords(words))
    cues.push('duration');
  if (/(^| )(ya van|llevamos|vamos para|ya llevamos|ya son)( |$)/.test(joined)) cues.push('ya-van');
  if (
    /(^| )(otra vez|de nuevo|siempre lo mismo|como siempre|todos los dias lo mismo|una vez mas|sigue igual|seguimos igual|seguimos sin|sigue sin)( |$)/.test(
      joined,
    )
  )
    cues.push('again');
  if (
    /(^| )(ya (lo )?(reporte|reportamos|reclame|reclamamos|denuncie|denunciamos|llame|llamamos|pedi|pedimos)|reporte|reclame|reclamamos|veces|mil veces)( |$)/.test(
      joined,
    )
  )
    cues.push('repeated-report');
  if (sets & ANGRY || ANGRY_EMOJI.test(text)) cues.push('anger');
  const praise = (sets & PRAISING) !== 0;
  if (praise) cues.push('praise');
  if (
    (praise && GRIEVANCE.test(joined)) ||
    SARCASTIC_EMOJI.test(text) ||
    /(^| )(que casualidad|que ironia|que raro|que lindo|muy bonito|muy lindo|gracias por nada|ah mira|cuanta)( |$)/.test(joined)
  )
    cues.push('sarcasm');
  if (
    /(^| )(hay|se (cayo|rompio|quemo|hundio|tapo|inundo|abrio|reviento|fundio|robaron|llevaron)|esta (roto|rota|apagad|tapad|caid|fundid))/.test(
      joined,
    )
  )
    cues.push('states-fact');
  if (/(^| )(frente a|frente al|esquina|calle \d+|al \d+|a la altura|entre calles|cuadra)( |$)/.test(joined)) cues.push('place');
  if (formal.some((f) => joined.includes(f))) cues.push('formal');
  if (text.includes('#')) cues.push('hashtag');
  if (text.includes('@')) cues.push('mention');
  if (isShouting(text)) cues.push('shouting');
  if (/[!¡]{2,}/.test(text)) cues.push('exclaim');
  if (first && !asks && !imperatives.has(first) && !question && !(sets & VERB)) cues.push(sets & DEFECT ? 'nominal-defect' : 'nominal');
  if (words.length <= 3) cues.push('short');
  else if (words.length >= 30) cues.push('long');
  return cues;
}

/** "3 días", "dos semanas", "un mes": a span of time the citizen has been waiting. */
function durationWords(words: readonly string[]): boolean {
  const { timeUnits, countWords } = cueWords();
  for (let i = 1; i < words.length; i++) {
    if (!timeUnits.has(words[i]!)) continue;
    const before = words[i - 1]!;
    if (countWords.has(before) || /^\d+$/.test(before)) return true;
  }
  return false;
}
