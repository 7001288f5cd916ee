import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sourceAsset } from '../paths.js';
import { CaseType } from '../cases/case-type.js';
import type { Classification } from './classification.js';
import { tokenize } from '../language/normalize-text.js';
import { tokenizeClausesFast, tokenizeClausesSlow } from './fast-tokenize.js';

/*
 * The baseline classifier: a weighted keyword model read from `classifier-lexicon.json`.
 * Deliberately transparent rather than clever, so that staff can see why a message landed
 * where it did and fix a miss by editing data, not code. The lexicon's `notes` describe the
 * cue syntax.
 */

/** Where a message goes when no category has any evidence. */
const FALLBACK_CATEGORY = 'otros';

/** Shorter words match exactly, so "hay" does not match "haya" nor "no" match "noche". */
const MIN_STEM_LENGTH = 4;

const Weight = z.number().min(-10).max(10);
const CueWeights = z.record(z.string().trim().min(1).max(100), Weight);
const TypeWeights = z.partialRecord(CaseType, Weight);

export const ClassifierLexicon = z
  .object({
    licence: z.string().min(1),
    version: z.literal(1),
    notes: z.array(z.string()).optional(),
    /** Added to the evidence total, so one weak cue cannot produce a confident answer. */
    smoothing: z.number().positive().max(100),
    categoryPriors: z.record(z.string(), z.number().min(0).max(10)),
    typePriors: z.partialRecord(CaseType, z.number().min(0).max(10)),
    signals: z.object({
      questionMark: TypeWeights,
      accentedInterrogative: TypeWeights,
      shouting: TypeWeights,
      repeatedExclamation: TypeWeights,
    }),
    categories: z.record(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/), CueWeights),
    types: z.record(CaseType, CueWeights),
  })
  .superRefine((lexicon, ctx) => {
    if (!(FALLBACK_CATEGORY in lexicon.categories)) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: `the "${FALLBACK_CATEGORY}" category is required` });
    }
    for (const code of Object.keys(lexicon.categoryPriors)) {
      if (!(code in lexicon.categories)) {
        ctx.addIssue({ code: 'custom', path: ['categoryPriors', code], message: 'not a category of this lexicon' });
      }
    }
    const sections = [
      ...Object.entries(lexicon.categories).map(([key, cues]) => ['categories', key, cues] as const),
      ...Object.entries(lexicon.types).map(([key, cues]) => ['types', key, cues] as const),
    ];
    for (const [section, key, cues] of sections) {
      for (const cue of Object.keys(cues)) {
        const parsed = parseCue(cue, 0);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', path: [section, key, cue], message: parsed });
      }
    }
  });
export type ClassifierLexicon = z.infer<typeof ClassifierLexicon>;

type Word = { kind: 'any' } | { kind: 'exact' | 'prefix'; text: string };

interface Cue {
  source: string;
  words: Word[];
  /** Must open a sentence or clause (a leading "^" in the lexicon). */
  anchored: boolean;
  weight: number;
  /** Position in the lexicon (categories first, then types), which fixes the order of `matched`. */
  order: number;
  /** The class it is evidence for, and whether that is a category or a type. */
  owner: string;
  /** The owner's position among the categories or among the types. */
  ownerIndex: number;
  section: 'category' | 'type';
}

interface ClassCues<K extends string> {
  key: K;
  prior: number;
  cues: Cue[];
}

/** Returns the compiled cue, or why it cannot be used. */
function parseCue(source: string, weight: number): Cue | string {
  let rest = source.trim();
  const anchored = rest.startsWith('^');
  if (anchored) rest = rest.slice(1);
  const words: Word[] = [];
  for (const raw of rest.split(/\s+/)) {
    if (raw === '*') {
      words.push({ kind: 'any' });
      continue;
    }
    const marker = raw.endsWith('*') ? 'prefix' : raw.endsWith('$') ? 'exact' : undefined;
    const tokens = tokenize(marker ? raw.slice(0, -1) : raw);
    // Cues go through the same normalisation as messages; a word that splits or vanishes
    // there (punctuation, shorthand) would silently never match.
    if (tokens.length !== 1 || tokens[0] === undefined) return `"${raw}" does not normalize to a single word`;
    const text = tokens[0];
    words.push({ kind: marker ?? (text.length >= MIN_STEM_LENGTH ? 'prefix' : 'exact'), text });
  }
  if (words.length === 0 || words.every((w) => w.kind === 'any')) return 'a cue needs at least one word';
  return { source, words, anchored, weight, order: 0, owner: '', ownerIndex: 0, section: 'category' };
}

function compileClass<K extends string>(key: K, cues: Record<string, number>, prior: number): ClassCues<K> {
  const compiled: Cue[] = [];
  for (const [source, weight] of Object.entries(cues)) {
    const cue = parseCue(source, weight);
    // The schema has already rejected unusable cues, so this only guards direct callers.
    if (typeof cue === 'string') throw new Error(`classifier lexicon: ${key}: ${cue}`);
    compiled.push(cue);
  }
  return { key, prior, cues: compiled };
}

function wordMatches(word: Word, token: string): boolean {
  if (word.kind === 'any') return true;
  return word.kind === 'exact' ? token === word.text : token.startsWith(word.text);
}

function occursIn(cue: Cue, segments: readonly string[][]): boolean {
  const n = cue.words.length;
  for (const tokens of segments) {
    const lastStart = cue.anchored ? Math.min(0, tokens.length - n) : tokens.length - n;
    for (let start = 0; start <= lastStart; start++) {
      let all = true;
      for (let i = 0; i < n && all; i++) all = wordMatches(cue.words[i]!, tokens[start + i]!);
      if (all) return true;
    }
  }
  return false;
}

/**
 * Cues by their first word, so a message is checked only against cues that can start on one of
 * its words: scanning every cue at every position was most of the time spent per message.
 */
interface CueIndex {
  exact: Map<string, Cue[]>;
  /**
   * Prefix cues by the first MIN_STEM_LENGTH letters of their first word (every stem has at
   * least that many): one probe per word, then a `startsWith` on the few found. Probing every
   * prefix length of every word was a third of the lexicon's time.
   */
  prefix: Map<string, Cue[]>;
  /** Stems shorter than MIN_STEM_LENGTH ("ab*"), if a lexicon has any: probed at every length. */
  shortPrefix: Map<string, Cue[]>;
  /** Cues opening with "*" could start anywhere; few enough to always check. */
  always: Cue[];
}

function indexCues(classes: ReadonlyArray<ClassCues<string>>): CueIndex {
  const index: CueIndex = { exact: new Map(), prefix: new Map(), shortPrefix: new Map(), always: [] };
  for (const { cues } of classes) {
    for (const cue of cues) {
      const first = cue.words[0]!;
      if (first.kind === 'any') index.always.push(cue);
      else {
        const short = first.kind === 'prefix' && first.text.length < MIN_STEM_LENGTH;
        const map = first.kind === 'exact' ? index.exact : short ? index.shortPrefix : index.prefix;
        const key = first.kind === 'exact' || short ? first.text : first.text.slice(0, MIN_STEM_LENGTH);
        const list = map.get(key);
        if (list) list.push(cue);
        else map.set(key, [cue]);
      }
    }
  }
  return index;
}

function candidateCues(index: CueIndex, segments: readonly string[][]): Set<Cue> {
  const found = new Set<Cue>(index.always);
  for (const tokens of segments) {
    for (const token of tokens) {
      const exact = index.exact.get(token);
      if (exact) for (const cue of exact) found.add(cue);
      if (token.length >= MIN_STEM_LENGTH) {
        const cues = index.prefix.get(token.length === MIN_STEM_LENGTH ? token : token.slice(0, MIN_STEM_LENGTH));
        if (cues) for (const cue of cues) if (token.startsWith((cue.words[0] as { text: string }).text)) found.add(cue);
      }
      if (index.shortPrefix.size > 0) {
        for (let length = 1; length < MIN_STEM_LENGTH && length <= token.length; length++) {
          const cues = index.shortPrefix.get(token.slice(0, length));
          if (cues) for (const cue of cues) found.add(cue);
        }
      }
    }
  }
  return found;
}

/** What the model saw in a message: the cues that fired and the resulting scores. */
export interface Explanation {
  categoryScores: Record<string, number>;
  typeScores: Record<CaseType, number>;
  /** `class: cue (weight)`, in lexicon order, for logs and the console. */
  matched: string[];
  signals: string[];
}

type Signal = keyof ClassifierLexicon['signals'];

/**
 * Accented interrogatives are a strong hint of a genuine question even without "?". "qué" is
 * left out because it is just as common in exclamations ("¡qué mal servicio!").
 */
const ACCENTED_INTERROGATIVE = /(?<!\p{L})(cómo|dónde|cuándo|cuánt[oa]s?|cuál(es)?)(?!\p{L})/iu;

/** Mostly capitals over at least ten letters; counted in one loop, as this runs for every message. */
function isShouting(text: string): boolean {
  let letters = 0;
  let upper = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 128) {
      if (code >= 65 && code <= 90) letters++, upper++;
      else if (code >= 97 && code <= 122) letters++;
      continue;
    }
    if (!LETTER.test(ch)) continue;
    letters++;
    if (UPPER.test(ch)) upper++;
  }
  return letters >= 10 && upper / letters >= 0.7;
}
const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;

function detectSignals(text: string): Signal[] {
  const signals: Signal[] = [];
  if (/[?¿]/.test(text)) signals.push('questionMark');
  // Accented letters are not printable ASCII: most messages can skip the normalisation.
  if (/[^ -~]/.test(text) && ACCENTED_INTERROGATIVE.test(text.normalize('NFC'))) signals.push('accentedInterrogative');
  // A minimum length keeps acronyms and one-word messages ("OK", "CURP") from counting as shouting.
  if (isShouting(text)) signals.push('shouting');
  if (/[!¡]{2,}/.test(text)) signals.push('repeatedExclamation');
  return signals;
}

/**
 * Sentences and clauses are matched separately so that a phrase cue does not straddle a
 * boundary and "^" can mean "opens a clause" ("Buenas tardes, ¿dónde pago…").
 */
export function splitClauses(text: string): string[][] {
  return tokenizeClausesFast(text) ?? tokenizeClausesSlow(text);
}

interface Decision<K extends string> {
  key: K;
  confidence: number;
}

/**
 * The winner's share of all positive evidence, with `smoothing` added to the total: a tie
 * gives at most 0.5, and a single weak cue stays well below a confident answer.
 */
function decide<K extends string>(scores: ReadonlyMap<K, number>, smoothing: number, fallback: K): Decision<K> {
  let total = 0;
  let best: K | undefined;
  let bestScore = 0;
  for (const [key, score] of scores) {
    if (score <= 0) continue;
    total += score;
    // Strictly greater: a tie keeps the earlier class (lexicon order, or CaseType order for
    // types) so results are deterministic; the tie already caps confidence at 0.5 anyway.
    if (score > bestScore) {
      best = key;
      bestScore = score;
    }
  }
  if (best === undefined) return { key: fallback, confidence: 0 };
  return { key: best, confidence: Math.min(1, Math.max(0, bestScore / (total + smoothing))) };
}

export interface Classifier {
  classify(text: string): Classification;
  explain(text: string): Explanation;
  /** The evidence per category and per type, without the list of cues (the trained model's features). */
  scores(
    text: string,
    clauses?: readonly string[][],
  ): { categoryScores: ReadonlyMap<string, number>; typeScores: ReadonlyMap<CaseType, number> };
  /** The same evidence as arrays in `categoryKeys` and `typeKeys` order, built for speed. */
  scoreVectors(text: string, clauses?: readonly string[][]): { categoryScores: Float64Array; typeScores: Float64Array };
  readonly categoryKeys: readonly string[];
  readonly typeKeys: readonly CaseType[];
}

export function createClassifier(input: ClassifierLexicon): Classifier {
  const lexicon = ClassifierLexicon.parse(input);
  const categories = Object.entries(lexicon.categories).map(([code, cues]) => compileClass(code, cues, lexicon.categoryPriors[code] ?? 0));
  const types = CaseType.options.map((type) => compileClass(type, lexicon.types[type], lexicon.typePriors[type] ?? 0));
  let order = 0;
  categories.forEach((c, i) => {
    for (const cue of c.cues) Object.assign(cue, { order: order++, owner: c.key, ownerIndex: i, section: 'category' });
  });
  types.forEach((c, i) => {
    for (const cue of c.cues) Object.assign(cue, { order: order++, owner: c.key, ownerIndex: i, section: 'type' });
  });
  const index = indexCues([...categories, ...types]);
  const cueList = [...categories, ...types].flatMap((c) => c.cues);
  const categoryPriors = Float64Array.from(categories, (c) => c.prior);
  const typePriors = Float64Array.from(types, (c) => c.prior);
  const signalWeights = new Map(
    (Object.keys(lexicon.signals) as Signal[]).map((signal) => [
      signal,
      (Object.entries(lexicon.signals[signal]) as [CaseType, number][]).map(
        ([type, weight]) => [types.findIndex((t) => t.key === type), weight] as const,
      ),
    ]),
  );
  // Candidates are marked per call with a counter rather than collected in a Set.
  const seenAt = new Int32Array(cueList.length);
  let call = 0;

  /**
   * `score` without the list of matched cues, into arrays: what the trained model asks for
   * every message. Same cues, same order of addition, so the same numbers as `score`.
   */
  function scoreVectors(text: string, clauses?: readonly string[][]): { categoryScores: Float64Array; typeScores: Float64Array } {
    const segments = clauses ?? splitClauses(text);
    call++;
    const ids: number[] = [];
    const mark = (cues: readonly Cue[] | undefined, token?: string) => {
      if (!cues) return;
      for (const cue of cues) {
        if (seenAt[cue.order] === call) continue;
        if (token !== undefined && !token.startsWith((cue.words[0] as { text: string }).text)) continue;
        seenAt[cue.order] = call;
        ids.push(cue.order);
      }
    };
    mark(index.always);
    for (const tokens of segments) {
      for (const token of tokens) {
        mark(index.exact.get(token));
        if (token.length >= MIN_STEM_LENGTH)
          mark(index.prefix.get(token.length === MIN_STEM_LENGTH ? token : token.slice(0, MIN_STEM_LENGTH)), token);
        if (index.shortPrefix.size > 0) {
          for (let length = 1; length < MIN_STEM_LENGTH && length <= token.length; length++)
            mark(index.shortPrefix.get(token.slice(0, length)));
        }
      }
    }
    ids.sort((a, b) => a - b);
    const categoryScores = categoryPriors.slice();
    const typeScores = typePriors.slice();
    for (const id of ids) {
      const cue = cueList[id]!;
      if ((cue.words.length > 1 || cue.anchored) && !occursIn(cue, segments)) continue;
      if (cue.section === 'category') categoryScores[cue.ownerIndex]! += cue.weight;
      else typeScores[cue.ownerIndex]! += cue.weight;
    }
    for (const signal of detectSignals(text)) for (const [type, weight] of signalWeights.get(signal)!) typeScores[type]! += weight;
    return { categoryScores, typeScores };
  }

  function score(
    text: string,
    withMatched = true,
    clauses?: readonly string[][],
  ): {
    categoryScores: Map<string, number>;
    typeScores: Map<CaseType, number>;
    matched: string[];
    signals: Signal[];
  } {
    const segments = clauses ?? splitClauses(text);
    // Only the cues that can start on one of the message's words, in lexicon order.
    const candidates = [...candidateCues(index, segments)].sort((a, b) => a.order - b.order);
    const matched: string[] = [];
    const categoryScores = new Map<string, number>(categories.map((c) => [c.key, c.prior]));
    const typeScores = new Map<CaseType, number>(types.map((c) => [c.key, c.prior]));
    for (const cue of candidates) {
      // A one-word cue is a candidate only because a word matched it; phrases and anchored
      // cues still need their position checked.
      if ((cue.words.length > 1 || cue.anchored) && !occursIn(cue, segments)) continue;
      if (cue.section === 'category') categoryScores.set(cue.owner, categoryScores.get(cue.owner)! + cue.weight);
      else typeScores.set(cue.owner as CaseType, typeScores.get(cue.owner as CaseType)! + cue.weight);
      if (withMatched) matched.push(`${cue.owner}: ${cue.source} (${cue.weight})`);
    }
    const signals = detectSignals(text);
    for (const signal of signals) {
      for (const [type, weight] of Object.entries(lexicon.signals[signal]) as [CaseType, number][]) {
        typeScores.set(type, (typeScores.get(type) ?? 0) + weight);
        if (withMatched) matched.push(`${type}: <${signal}> (${weight})`);
      }
    }
    return { categoryScores, typeScores, matched, signals };
  }

  return {
    classify(text) {
      const { categoryScores, typeScores } = score(text, false);
      const category = decide(categoryScores, lexicon.smoothing, FALLBACK_CATEGORY);
      const type = decide(typeScores, lexicon.smoothing, 'reporte');
      return {
        type: type.key,
        typeConfidence: type.confidence,
        category: category.key,
        categoryConfidence: category.confidence,
        confidence: Math.min(type.confidence, category.confidence),
        // The lexicon only knows municipal words; it has no view on what is off-topic.
        offTopic: 0,
      };
    },
    scores(text, clauses) {
      const { categoryScores, typeScores } = score(text, false, clauses);
      return { categoryScores, typeScores };
    },
    scoreVectors,
    categoryKeys: categories.map((c) => c.key),
    typeKeys: types.map((c) => c.key),
    explain(text) {
      const { categoryScores, typeScores, matched, signals } = score(text);
      return {
        categoryScores: Object.fromEntries(categoryScores),
        typeScores: Object.fromEntries(typeScores) as Record<CaseType, number>,
        matched,
        signals,
      };
    },
  };
}

export function loadClassifierLexicon(path = sourceAsset('understanding', 'classifier-lexicon.json')): ClassifierLexicon {
  return ClassifierLexicon.parse(JSON.parse(readFileSync(path, 'utf8')));
}

let defaultClassifier: Classifier | undefined;

/** The shared classifier over the bundled lexicon, built on first use rather than at import. */
export function getDefaultClassifier(): Classifier {
  defaultClassifier ??= createClassifier(loadClassifierLexicon());
  return defaultClassifier;
}

/** The hand lexicon alone: the baseline the trained model is measured against, and some of its features. */
export function classifyWithLexicon(text: string): Classification {
  return getDefaultClassifier().classify(text);
}
