import { z } from 'zod';
import { detectCues, isContentWord, openingIndex } from './cues.js';
import { getDefaultClassifier, splitClauses } from './lexicon-classifier.js';

/**
 * The linear model's view of a message, as hashed feature ids with weights: words, word pairs,
 * the opening words, character n-grams inside words and the wording cues of `cues.ts`.
 * Character n-grams carry a model across misspellings and regional forms ("luminaria" /
 * "luminarea", "bache" / "bachecito"); the opening words and cues carry the type across wording
 * ("Propuesta: …", "¿para qué pagamos…?").
 *
 * Hashing (FNV-1a into 2^bits buckets) rather than string keys: no feature string is ever built
 * for the hundreds of n-grams of a message, which keeps classification far above 20,000
 * messages per second on one core. The vector is scaled to unit length so long e-mails and
 * three-word messages speak equally loud.
 */
export const FeatureOptions = z.object({
  hashBits: z.number().int().min(12).max(24),
  charMin: z.number().int().min(1).max(8),
  charMax: z.number().int().min(1).max(8),
  wordWeight: z.number().min(0),
  bigramWeight: z.number().min(0),
  prefixWeight: z.number().min(0),
  openerWeight: z.number().min(0),
  charWeight: z.number().min(0),
  cueWeight: z.number().min(0),
  /** The hand lexicon's verdicts as features (src/understanding/classifier-lexicon.json). */
  lexiconWeight: z.number().min(0),
});
export type FeatureOptions = z.infer<typeof FeatureOptions>;

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  hashBits: 20,
  charMin: 3,
  charMax: 5,
  wordWeight: 1,
  bigramWeight: 0.7,
  prefixWeight: 0.5,
  openerWeight: 1,
  charWeight: 0.3,
  cueWeight: 1,
  lexiconWeight: 0,
};

const PREFIX_LENGTH = 5;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * One message's features. Word unigrams come first (`words` of them, the `content` words
 * among them first), so how many of a message's words the model knows can be read without
 * another pass.
 */
export interface FeatureVector {
  ids: Int32Array;
  values: Float32Array;
  length: number;
  words: number;
  content: number;
  /** How many wording cues (cues.ts) other than the message's length fired. */
  typeCues: number;
}

function mix(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME);
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

/** Feature kinds hash apart: the same string as a word and as a cue are two features. */
const seed = (kind: string) => hashString(FNV_OFFSET, kind + '\u0001');
const SEED_WORD = seed('w');
const SEED_BIGRAM = seed('b');
const SEED_PREFIX = seed('p');
const SEED_OPENER = seed('o');
const SEED_OPENER2 = seed('o2');
const SEED_CHAR = seed('c');
const SEED_CUE = seed('x');
// Kept equal to hashing 'c:' + code and 't:' + type after the 'l' seed, as the first version did.
const SEED_LEXICON_CATEGORY = hashString(seed('l'), 'c:');
const SEED_LEXICON_TYPE = hashString(seed('l'), 't:');

export interface FeatureExtractor {
  readonly options: FeatureOptions;
  /**
   * Features of `text`. The returned arrays are reused by the next call: copy them (`copyVector`)
   * to keep them.
   */
  extract(text: string): FeatureVector;
}

export function createFeatureExtractor(input: FeatureOptions): FeatureExtractor {
  const options = FeatureOptions.parse(input);
  const mask = (1 << options.hashBits) - 1;
  let ids = new Int32Array(1024);
  /** Per word of the message being read, whether it is a content word (cues.ts). */
  let content = new Uint8Array(64);
  let values = new Float32Array(1024);
  let n = 0;
  function push(h: number, weight: number): void {
    if (n === ids.length) {
      const grownIds = new Int32Array(ids.length * 2);
      grownIds.set(ids);
      ids = grownIds;
      const grownValues = new Float32Array(values.length * 2);
      grownValues.set(values);
      values = grownValues;
    }
    ids[n] = (h >>> 0) & mask;
    values[n] = weight;
    n++;
  }

  function extract(text: string): FeatureVector {
    n = 0;
    let contentCount = 0;
    // One normalisation serves the words and the lexicon's clauses (it is the largest single cost).
    const clauses = splitClauses(text);
    const words = clauses.length === 1 ? clauses[0]! : clauses.flat();
    const joined = words.join(' ');
    if (content.length < words.length) content = new Uint8Array(words.length * 2);
    for (let i = 0; i < words.length; i++) content[i] = isContentWord(words[i]!) ? 1 : 0;
    if (options.wordWeight > 0) {
      // Content words first, then the rest: the model's confidence rests on the first kind.
      for (let i = 0; i < words.length; i++) if (content[i]) push(hashString(SEED_WORD, words[i]!), options.wordWeight);
      contentCount = n;
      for (let i = 0; i < words.length; i++) if (!content[i]) push(hashString(SEED_WORD, words[i]!), options.wordWeight);
    }
    const wordCount = n;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (options.bigramWeight > 0 && i + 1 < words.length)
        push(hashString(mix(hashString(SEED_BIGRAM, word), 32), words[i + 1]!), options.bigramWeight);
      if (options.prefixWeight > 0 && word.length > PREFIX_LENGTH)
        push(hashString(SEED_PREFIX, word.slice(0, PREFIX_LENGTH)), options.prefixWeight);
      // Only content words: "que", "para", "los" are in nearly every message and their
      // n-grams cost a third of the features for no measurable accuracy (5-fold CV).
      if (options.charWeight > 0 && content[i] && word.length >= 3 && !isNumber(word)) addCharGrams(word);
    }
    if (options.openerWeight > 0 && words.length > 0) {
      // How the message opens once greetings are skipped: "Propuesta", "Más", "que pongan", "dónde".
      const at = openingIndex(words);
      push(hashString(SEED_OPENER, words[at]!), options.openerWeight);
      if (at + 1 < words.length) push(hashString(mix(hashString(SEED_OPENER2, words[at]!), 32), words[at + 1]!), options.openerWeight);
    }
    let typeCues = 0;
    for (const cue of detectCues(text, words, joined)) {
      if (cue !== 'short' && cue !== 'long') typeCues++;
      if (options.cueWeight > 0) push(hashString(SEED_CUE, cue), options.cueWeight);
    }
    if (options.lexiconWeight > 0) addLexicon(text, clauses);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += values[i]! * values[i]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < n; i++) values[i]! *= scale;
    return { ids, values, length: n, words: wordCount, content: contentCount, typeCues };
  }

  /** Character n-grams of "<word>", the markers telling a word's start and end from its middle. */
  function addCharGrams(word: string): void {
    const length = word.length + 2;
    for (let startAt = 0; startAt < length; startAt++) {
      let h = SEED_CHAR;
      for (let size = 1; size <= options.charMax && startAt + size <= length; size++) {
        const at = startAt + size - 1;
        h = mix(h, at === 0 ? 60 /* < */ : at === length - 1 ? 62 /* > */ : word.charCodeAt(at - 1));
        if (size >= options.charMin) push(h, options.charWeight);
      }
    }
  }

  function addLexicon(text: string, clauses: readonly string[][]): void {
    const lexicon = getDefaultClassifier();
    const { categoryScores, typeScores } = lexicon.scoreVectors(text, clauses);
    addVerdict(SEED_LEXICON_CATEGORY, lexicon.categoryKeys, categoryScores);
    addVerdict(SEED_LEXICON_TYPE, lexicon.typeKeys, typeScores);
  }

  /** The lexicon's winner, weighted by its share of the evidence (as the lexicon computes its confidence). */
  function addVerdict(seedOf: number, keys: readonly string[], scores: Float64Array): void {
    let best = -1;
    let bestScore = 0;
    let total = 1;
    for (let k = 0; k < scores.length; k++) {
      const score = scores[k]!;
      if (score <= 0) continue;
      total += score;
      if (score > bestScore) (best = k), (bestScore = score);
    }
    if (best >= 0) push(hashString(seedOf, keys[best]!), (options.lexiconWeight * bestScore) / total);
  }

  return { options, extract };
}

function isNumber(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function copyVector(v: FeatureVector): FeatureVector {
  return {
    ids: v.ids.slice(0, v.length),
    values: v.values.slice(0, v.length),
    length: v.length,
    words: v.words,
    content: v.content,
    typeCues: v.typeCues,
  };
}
