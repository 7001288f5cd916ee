import { readFileSync } from 'node:fs';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { parseOrThrow } from '../errors.js';
import { prepare } from '../language/text.js';

/**
 * A municipality's own place names: its streets, colonies and landmarks. The address parsers
 * recognise places by their shape ("calle Hidalgo 123", "frente al mercado"); a name alone
 * ("la Benito Juárez", "Insurgentes") has no shape, so only a list of the town's names makes it
 * a place. Names are written as the town writes them; case, accents and one typo in a name of six
 * letters or more do not matter when matching.
 */

export const PlaceName = z
  .string()
  .trim()
  .min(2)
  .max(80)
  .refine((name) => (name.match(/\p{L}/gu)?.length ?? 0) >= 2, { message: 'a place name needs at least two letters' });

const PlaceNames = z.array(PlaceName).max(20_000);

export const Gazetteer = z
  .strictObject({
    $comment: z.string().optional(),
    /** The format's version, for migrating old files when it changes. */
    version: z.literal(1).default(1),
    /** "Insurgentes", "5 de Mayo", "Av. Juárez": a leading street type is optional. */
    streets: PlaceNames.default([]),
    /** Colonias, fraccionamientos, barrios, ejidos: "Benito Juárez", "Las Palmas". */
    colonies: PlaceNames.default([]),
    /** "Mercado Hidalgo", "Plaza de Armas", "Oxxo Las Torres". */
    landmarks: PlaceNames.default([]),
  })
  .refine((g) => g.streets.length + g.colonies.length + g.landmarks.length > 0, {
    message: 'the gazetteer lists no street, colony or landmark',
  });
export type Gazetteer = z.infer<typeof Gazetteer>;

export class GazetteerError extends Error {
  override name = 'GazetteerError';
}

export function parseGazetteer(json: unknown, origin = 'gazetteer'): Gazetteer {
  return parseOrThrow(Gazetteer, json, (issues) => new GazetteerError(`${origin} is not valid:\n${issues}`));
}

export function loadGazetteer(path: string): Gazetteer {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new GazetteerError(`gazetteer ${path} could not be read: ${(error as Error).message}`);
  }
  return parseGazetteer(json, `gazetteer ${path}`);
}

export type PlaceKind = 'street' | 'colony' | 'landmark';

export interface GazetteerMatch {
  /** Token index after the name. */
  end: number;
  kind: PlaceKind;
  /** The name as the gazetteer writes it. */
  name: string;
  /** False when one typo was forgiven. */
  exact: boolean;
}

interface Entry {
  kind: PlaceKind;
  name: string;
  joined: string;
  letters: number;
}

export interface GazetteerIndex {
  exact: Map<string, Entry>;
  /**
   * Entries of six letters or more under every spelling with one character deleted, by
   * `${words}:${spelling}`. Two strings are one edit apart only if they share such a spelling
   * (or one is the other with a character deleted), so a lookup costs a name's length, not the
   * gazetteer's size.
   */
  deletions: Map<string, Entry[]>;
  maxWords: number;
}

/** Names shorter than this must be spelled right: "Juárez" forgives one typo, "Oro" and "Sur" none. */
const FUZZY_MIN_LETTERS = 6;

const letterCount = (s: string) => s.replace(/[^\p{L}]/gu, '').length;

/**
 * Whether `written` is `known` with one typo forgiven (a letter added, dropped or changed), both
 * folded: the one tolerance of every gazetteer lookup, the dialog's and the geocoder's.
 */
export function forgivesTypo(known: string, written: string): boolean {
  return letterCount(known) >= FUZZY_MIN_LETTERS && letterCount(written) >= FUZZY_MIN_LETTERS && distance(known, written) <= 1;
}

/** `s` and every spelling of it with one character deleted, each once. */
function spellings(s: string): string[] {
  const out = [s];
  for (let k = 0; k < s.length; k++) if (s[k] !== s[k - 1]) out.push(s.slice(0, k) + s.slice(k + 1));
  return out;
}

const indexes = new WeakMap<Gazetteer, WeakMap<ReadonlySet<string>, GazetteerIndex>>();

/**
 * The gazetteer ready for matching. `typeWords` are the pack's street and area types: "Av.
 * Insurgentes" is also known as "Insurgentes", since that is how citizens say it.
 */
export function gazetteerIndex(gazetteer: Gazetteer, typeWords: ReadonlySet<string>): GazetteerIndex {
  let byTypes = indexes.get(gazetteer);
  if (!byTypes) indexes.set(gazetteer, (byTypes = new WeakMap()));
  let index = byTypes.get(typeWords);
  if (index) return index;
  index = { exact: new Map(), deletions: new Map(), maxWords: 0 };
  const lists: Array<[PlaceKind, readonly string[]]> = [
    ['street', gazetteer.streets],
    ['colony', gazetteer.colonies],
    ['landmark', gazetteer.landmarks],
  ];
  for (const [kind, names] of lists) {
    for (const name of names) {
      const words = prepare(name)
        .tokens.filter((t) => t.word)
        .map((t) => t.folded);
      const forms = [words];
      if (words.length > 1 && typeWords.has(words[0] as string)) forms.push(words.slice(1));
      for (const form of forms) add(index, { kind, name, joined: form.join(' '), letters: letterCount(form.join('')) }, form.length);
    }
  }
  byTypes.set(typeWords, index);
  return index;
}

function add(index: GazetteerIndex, entry: Entry, words: number): void {
  if (entry.letters < 2 || index.exact.has(entry.joined)) return;
  index.exact.set(entry.joined, entry);
  index.maxWords = Math.max(index.maxWords, words);
  if (entry.letters < FUZZY_MIN_LETTERS) return;
  for (const spelling of spellings(entry.joined)) {
    const key = `${words}:${spelling}`;
    const bucket = index.deletions.get(key);
    if (!bucket) index.deletions.set(key, [entry]);
    else if (bucket[bucket.length - 1] !== entry) bucket.push(entry);
  }
}

function typoOf(index: GazetteerIndex, joined: string, words: number): Entry | undefined {
  for (const spelling of spellings(joined)) {
    const hit = index.deletions.get(`${words}:${spelling}`)?.find((e) => forgivesTypo(e.joined, joined));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The longest gazetteer name that starts at token `i`, read through `word` (the folded word at a
 * token index, or undefined for punctuation). An exact spelling wins over a typo of a longer name.
 */
export function matchGazetteer(
  index: GazetteerIndex,
  word: (k: number) => string | undefined,
  i: number,
  options: { fuzzy: boolean },
): GazetteerMatch | undefined {
  const parts: string[] = [];
  for (let k = 0; k < index.maxWords; k++) {
    const w = word(i + k);
    if (w === undefined) break;
    parts.push(w);
  }
  let typo: GazetteerMatch | undefined;
  for (let n = parts.length; n >= 1; n--) {
    const joined = parts.slice(0, n).join(' ');
    const exact = index.exact.get(joined);
    if (exact) return { end: i + n, kind: exact.kind, name: exact.name, exact: true };
    if (typo || !options.fuzzy || letterCount(joined) < FUZZY_MIN_LETTERS) continue;
    const hit = typoOf(index, joined, n);
    if (hit) typo = { end: i + n, kind: hit.kind, name: hit.name, exact: false };
  }
  return typo;
}

/** What a parser asks of a gazetteer about one text: the name at a token index, remembered. */
export type KnownNames = (i: number, fuzzy: boolean) => GazetteerMatch | undefined;

export function knownNames(index: GazetteerIndex, word: (k: number) => string | undefined): KnownNames {
  const seen = new Map<number, GazetteerMatch | undefined>();
  return (i, fuzzy) => {
    const key = 2 * i + (fuzzy ? 1 : 0);
    if (!seen.has(key)) seen.set(key, matchGazetteer(index, word, i, { fuzzy }));
    return seen.get(key);
  };
}
