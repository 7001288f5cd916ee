import { detectCues } from './cues.js';
import { getDefaultClassifier } from './lexicon-classifier.js';
import { normalizeText } from '../language/normalize-text.js';

/**
 * What the model sees in a message. Words and word pairs carry meaning; short stems make
 * "baches", "bachecito" and "bacheo" one feature; character trigrams inside words survive
 * misspellings ("luminaria"/"luminarea", "alcantarilla"/"alkantarilla") and regional
 * variants the corpus never saw. A few surface signals (question marks, shouting) carry the
 * type. Weights keep the hundreds of trigrams from drowning the words.
 *
 * The hand-written lexicon (`src/understanding/classifier-lexicon.json`) joins in as features: its
 * verdicts and the cues that fired. The lexicon holds knowledge no small corpus has (hundreds
 * of regional words); the model learns from the corpus how far to trust each of them.
 */
export type FeatureBag = Map<string, number>;

const WORD_WEIGHT = 1;
const STEM_WEIGHT = 1;
const BIGRAM_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.25;
const SIGNAL_WEIGHT = 2;
const STEM_LENGTH = 5;
const LEXICON_VERDICT_WEIGHT = 6;
const LEXICON_CUE_WEIGHT = 1;

/** Interrogatives that open a question even when the citizen types no "?". */
const QUESTION_OPENERS = new Set([
  'que',
  'como',
  'donde',
  'cuando',
  'cuanto',
  'cuanta',
  'cuantos',
  'cuantas',
  'cual',
  'cuales',
  'quien',
  'quienes',
  'hay',
  'se',
  'puedo',
  'pueden',
  'necesito',
  'ocupo',
  'requisitos',
  'horario',
  'a',
]);

function add(bag: FeatureBag, key: string, weight: number): void {
  bag.set(key, (bag.get(key) ?? 0) + weight);
}

export function extractFeatures(text: string): FeatureBag {
  const bag: FeatureBag = new Map();
  const normalized = normalizeText(text);
  const words = normalized ? normalized.split(' ') : [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    add(bag, 'w:' + word, WORD_WEIGHT);
    if (word.length > STEM_LENGTH) add(bag, 's:' + word.slice(0, STEM_LENGTH), STEM_WEIGHT);
    if (i + 1 < words.length) add(bag, 'b:' + word + '_' + words[i + 1]!, BIGRAM_WEIGHT);
    if (word.length >= 4 && !/^\d+$/.test(word)) {
      const padded = '_' + word + '_';
      for (let j = 0; j + 3 <= padded.length; j++) add(bag, 'c:' + padded.slice(j, j + 3), TRIGRAM_WEIGHT);
    }
  }
  if (/[?¿]/.test(text)) add(bag, 'x:question', SIGNAL_WEIGHT);
  if (words[0] !== undefined && QUESTION_OPENERS.has(words[0])) add(bag, 'x:opener:' + words[0], SIGNAL_WEIGHT / 2);
  if (/[!¡]{2,}/.test(text)) add(bag, 'x:exclaim', SIGNAL_WEIGHT);
  if (isShouting(text)) add(bag, 'x:shouting', SIGNAL_WEIGHT);
  if (/\d+\s*(dias?|semanas?|mes(es)?|años?|anos?|horas?)/i.test(normalized)) add(bag, 'x:duration', SIGNAL_WEIGHT / 2);
  // The wording cues the linear model uses too (cues.ts), so the two are compared on the same knowledge.
  for (const cue of detectCues(text, words, normalized)) add(bag, 'x:cue:' + cue, SIGNAL_WEIGHT);
  addLexiconFeatures(bag, text);
  return bag;
}

/** Mostly capitals over at least ten letters ("OK" and "CURP" are not shouting). */
function isShouting(text: string): boolean {
  let letters = 0;
  let upper = 0;
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (lower === up) continue;
    letters++;
    if (ch === up) upper++;
  }
  return letters >= 10 && upper / letters >= 0.7;
}

function addLexiconFeatures(bag: FeatureBag, text: string): void {
  // One scoring pass: the verdicts are the winners' shares, as the lexicon itself computes them.
  const { categoryScores, typeScores, matched } = getDefaultClassifier().explain(text);
  addVerdict(bag, 'lc:', categoryScores);
  addVerdict(bag, 'lt:', typeScores);
  for (const cue of matched) add(bag, 'lx:' + cue.slice(0, cue.lastIndexOf(' (')), LEXICON_CUE_WEIGHT);
}

function addVerdict(bag: FeatureBag, prefix: string, scores: Record<string, number>): void {
  let best: string | undefined;
  let bestScore = 0;
  let total = 1;
  for (const [key, score] of Object.entries(scores)) {
    if (score <= 0) continue;
    total += score;
    if (score > bestScore) [best, bestScore] = [key, score];
  }
  if (best !== undefined) add(bag, prefix + best, (LEXICON_VERDICT_WEIGHT * bestScore) / total);
}

/** Whether a feature comes from the message's own words (not from the lexicon or surface signals). */
export function isWordFeature(feature: string): boolean {
  const kind = feature.charCodeAt(0);
  return (
    feature.charCodeAt(1) === 58 /* ':' */ && (kind === 119 /* w */ || kind === 115 /* s */ || kind === 98 /* b */ || kind === 99) /* c */
  );
}
