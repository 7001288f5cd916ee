import { defaultLanguagePack, type LanguagePack } from '../language/language-pack.js';
import { perPack, prepare } from '../language/text.js';

/**
 * An address reduced to what names the place, so that reports written differently compare equal:
 * "calle Juárez 210, col. Centro", "juarez #210 col centro" and "C. Juárez 210, Centro" are one
 * place, "Juárez 212, Centro" and "Juárez 210, col. Las Palmas" are others (issue 20).
 *
 * The words that only say what kind of thing a name is (calle, C., Av., col., fracc.), the
 * number's marks (#, No., núm.), articles and particles (de, la, los), titles (Gral., Lic.),
 * accents, case and punctuation are dropped; the street, the house number and the colony are
 * kept. A part is told by its cue ("col." opens the colony), else by its place: the part with
 * the house number is the street, and a name beside it is the colony, whichever comes first. A
 * corner is its two streets in alphabetical order, so "Hidalgo esq. Morelos" is "esquina de
 * Morelos e Hidalgo". Units (int. 3), postal codes and further parts (the town, the state) do not
 * name a different place for a crew and are dropped.
 *
 * What counts as a street type, a colony type or a number word is the language pack's, the same
 * lists the dialog's address parser reads (src/dialogs/parsers/address-reader.ts).
 */

export interface ParsedAddress {
  /** Street names as keys ("juarez", "5 mayo"): one for a street, two for a corner; none for a colony alone. */
  streets: string[];
  /** "210", "210b", "km 12". */
  number?: string;
  /** The streets of "Juárez entre Hidalgo y Morelos", in alphabetical order. */
  between?: [string, string];
  colony?: string;
}

const lexicon = perPack((pack: LanguagePack) => {
  const a = pack.address;
  const set = (words: readonly string[]) => new Set(words);
  const directions = a.directions;
  // "Pte." is "poniente": a short direction stands for the longest one that has its letters in order.
  const directionOf = new Map<string, string>();
  for (const short of directions) {
    const full = directions.filter((d) => d[0] === short[0] && isSubsequence(short, d)).sort((x, y) => y.length - x.length)[0] as string;
    directionOf.set(short, full);
  }
  return {
    streetTypes: set(a.streetTypes),
    streetNeedsDot: set(a.streetNeedsDot),
    streetSuffixes: set(a.streetSuffixes),
    areaTypes: set(a.areaTypes),
    particles: set(a.nameParticles),
    /** What may sit before a colony or street without naming it: "en la colonia", "sobre la calle". */
    ignorable: set([
      ...a.nameParticles,
      ...a.qualifierLinks,
      ...a.qualifierArticles,
      ...a.placeArticles,
      ...a.locatives,
      ...a.streetLocatives,
    ]),
    houseNumber: set(a.houseNumberWords),
    kilometre: set(a.kilometreWords),
    withoutNumber: a.withoutNumber,
    units: set(a.unitWords),
    corner: set(a.corner),
    almost: set(a.almost),
    cornerLinks: set(a.cornerLinks),
    between: set(a.between),
    and: set(a.and),
    postalCode: set(a.postalCode),
    directionOf,
    titles: set(pack.name.titles),
    /** "Centro", "downtown": colonies without a colony type, as the keys `keyOf` makes of them. */
    areasAlone: set(
      a.areasAlone.map((x) =>
        x.phrase
          .split(' ')
          .filter((w) => !a.nameParticles.includes(w))
          .join(' '),
      ),
    ),
  };
});
type Lexicon = ReturnType<typeof lexicon>;

function isSubsequence(short: string, long: string): boolean {
  let k = 0;
  for (const ch of long) if (ch === short[k]) k++;
  return k === short.length;
}

/** A word (folded, with whether a dot was glued to it) or a break between parts. */
type Item = { w: string; dot: boolean } | 'break';

/** Marks that separate the parts of an address: "Juárez 210, Centro", "Juárez 210 (Centro)". */
const BREAKS = new Set([',', ';', '(', ')', '[', ']', '|', '/', '\\', '–', '—']);

function itemsOf(text: string): Item[] {
  const doc = prepare(text);
  const items: Item[] = [];
  const tokens = doc.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    if (prev && items.length > 0 && items[items.length - 1] !== 'break' && doc.original.slice(prev.end, t.start).includes('\n')) {
      items.push('break');
    }
    if (t.word) {
      const w = t.folded.replace(/\p{M}/gu, '');
      const next = tokens[i + 1];
      // "s/n": no number.
      if (w === 's' && next?.text === '/' && next.start === t.end && tokens[i + 2]?.folded === 'n') {
        i += tokens[i + 3]?.text === '.' ? 3 : 2;
        continue;
      }
      items.push({ w, dot: next?.text === '.' && next.start === t.end });
      continue;
    }
    const last = items[items.length - 1];
    const next = tokens[i + 1];
    // "210-B", "45-2": one house number.
    if (
      t.text === '-' &&
      last !== undefined &&
      last !== 'break' &&
      /^\d/.test(last.w) &&
      prev?.end === t.start &&
      next?.word &&
      next.start === t.end &&
      /^(?:\d{1,4}|\p{L})$/u.test(next.folded)
    ) {
      last.w += /^\d/.test(next.folded) ? `-${next.folded}` : next.folded;
      i++;
      continue;
    }
    if (t.text === '#') items.push({ w: '#', dot: false });
    else if (BREAKS.has(t.text) || (t.text === '-' && prev?.end !== t.start)) {
      if (items.length > 0 && last !== 'break') items.push('break');
    }
  }
  return items;
}

interface Part {
  kind: 'street' | 'plain' | 'colony' | 'corner';
  names: string[][];
  number?: string;
  between?: [string[], string[]];
}

const NUMBER = /^\d{1,5}(?:[a-z]|-\d{1,4})?$/;

class Reader {
  constructor(
    readonly items: Item[],
    readonly lex: Lexicon,
  ) {}

  word(i: number): string | undefined {
    const item = this.items[i];
    return item === undefined || item === 'break' ? undefined : item.w;
  }

  isNumber(i: number): boolean {
    return NUMBER.test(this.word(i) ?? '');
  }

  /** After a street type at `i`, or -1: "calle", "Av.", "C." (the short ones need their dot unless a name follows). */
  streetType(i: number): number {
    const w = this.word(i);
    if (w === undefined) return -1;
    if (this.lex.streetTypes.has(w)) return i + 1;
    if (!this.lex.streetNeedsDot.has(w)) return -1;
    const item = this.items[i] as { dot: boolean };
    const next = this.word(i + 1);
    return item.dot || (next !== undefined && /^\p{L}{2,}/u.test(next)) ? i + 1 : -1;
  }

  areaType(i: number): number {
    return this.lex.areaTypes.has(this.word(i) ?? '') ? i + 1 : -1;
  }

  /** "#210", "No. 210", "núm 210", "km 12", "210": the number and where it ends. */
  houseNumber(i: number): { value: string; end: number } | undefined {
    let j = i;
    let w = this.word(j);
    if (w === undefined) return undefined;
    if (this.lex.kilometre.has(w)) return this.isNumber(j + 1) ? { value: `km ${this.word(j + 1)}`, end: j + 2 } : undefined;
    if (this.lex.houseNumber.has(w)) w = this.word(++j);
    if (w === '#') j++;
    if (!this.isNumber(j)) return undefined;
    let end = j + 1;
    let value = this.word(j) as string;
    if (this.word(end) === 'bis') {
      value += 'bis';
      end++;
    }
    return { value, end };
  }

  withoutNumber(i: number): number {
    for (const phrase of this.lex.withoutNumber) {
      if (phrase.every((p, k) => this.word(i + k) === p)) return i + phrase.length;
    }
    return -1;
  }

  /** "C.P. 85000", "cp 85000": skipped. */
  postalCode(i: number): number {
    let j = i;
    const w = this.word(j);
    if (w === 'c' && this.word(j + 1) === 'p') j += 2;
    else if (w !== undefined && this.lex.postalCode.has(w)) j++;
    else return -1;
    return /^\d{5}$/.test(this.word(j) ?? '') ? j + 1 : -1;
  }

  /** "int. 3", "depto B", "mz 4 lt 12": skipped. */
  unit(i: number): number {
    const w = this.word(i);
    const v = this.word(i + 1);
    if (w === undefined || !this.lex.units.has(w) || v === undefined) return -1;
    return NUMBER.test(v) || /^\p{L}$/u.test(v) ? i + 2 : -1;
  }

  /** "esquina con", "esq.", "casi esquina de": where the corner's street begins, or -1. */
  corner(i: number): number {
    let j = i;
    if (this.lex.almost.has(this.word(j) ?? '')) j++;
    if (!this.lex.corner.has(this.word(j) ?? '')) return -1;
    j++;
    if (this.lex.cornerLinks.has(this.word(j) ?? '')) j++;
    return j;
  }

  /** Words of a name from `i`: "5 de Mayo", "Lomas del Valle", up to a cue, a break or a house number. */
  name(i: number): { words: string[]; end: number } {
    const words: string[] = [];
    let j = i;
    for (;;) {
      const w = this.word(j);
      if (w === undefined || w === '#') break;
      if (words.length > 0 && (this.streetType(j) !== -1 || this.lex.and.has(w) || this.corner(j) !== -1)) break;
      if (this.areaType(j) !== -1 || this.lex.between.has(w) || this.postalCode(j) !== -1 || this.withoutNumber(j) !== -1) break;
      const named = words.some((x) => !this.lex.ignorable.has(x));
      // After a name, a number is the house number; before one ("5 de Mayo") it is the name.
      if (named && this.houseNumber(j)) break;
      if (named && this.unit(j) !== -1) break;
      if (!named && this.isNumber(j) && this.lex.houseNumber.has(words[words.length - 1] ?? '')) break;
      words.push(w);
      j++;
    }
    return { words, end: j };
  }

  /** A street type (if any) and a name. */
  street(i: number): { words: string[]; end: number } {
    const s = this.streetType(i);
    return this.name(s === -1 ? i : s);
  }
}

function read(items: Item[], lex: Lexicon): Part[] {
  const r = new Reader(items, lex);
  const parts: Part[] = [];
  let i = 0;
  const last = () => parts[parts.length - 1];
  while (i < items.length) {
    if (items[i] === 'break') {
      i++;
      continue;
    }
    let e = r.postalCode(i);
    if (e === -1) e = r.unit(i);
    if (e === -1) e = r.withoutNumber(i);
    if (e !== -1) {
      i = e;
      continue;
    }
    if ((e = r.areaType(i)) !== -1) {
      const name = r.name(e);
      parts.push({ kind: 'colony', names: [name.words] });
      i = Math.max(name.end, e);
      continue;
    }
    if ((e = r.corner(i)) !== -1) {
      // "esquina de Morelos e Hidalgo".
      const first = r.street(e);
      const part: Part = { kind: 'corner', names: [first.words] };
      i = first.end;
      const link = r.lex.and.has(r.word(i) ?? '') ? i + 1 : r.corner(i);
      if (link !== -1 && first.words.length > 0) {
        const second = r.street(link);
        part.names.push(second.words);
        i = second.end;
      }
      parts.push(part);
      i = Math.max(i, e);
      continue;
    }
    const previous = last();
    const number = r.houseNumber(i);
    // "Juárez, #210": a number alone belongs to the street before it; "5 de Mayo" is a name.
    if (number && previous && previous.kind !== 'colony' && !previous.number && !lex.particles.has(r.word(number.end) ?? '')) {
      previous.number = number.value;
      i = number.end;
      continue;
    }
    const typed = r.streetType(i) !== -1;
    const name = r.street(i);
    if (name.words.length === 0) {
      i = Math.max(i + 1, name.end);
      continue;
    }
    const part: Part = { kind: typed ? 'street' : 'plain', names: [name.words] };
    parts.push(part);
    i = name.end;
    const house = r.houseNumber(i);
    if (house) {
      part.number = house.value;
      i = house.end;
      const direction = lex.directionOf.get(r.word(i) ?? '');
      if (direction) {
        name.words.push(direction);
        i++;
      }
    }
    for (let u = r.unit(i); u !== -1; u = r.unit(i)) i = u;
    const corner = r.corner(i);
    const and = lex.and.has(r.word(i) ?? '') ? i + 1 : -1;
    // "Hidalgo y Morelos"; after a house number the corner is read too, though the number says more.
    if (corner !== -1 || and !== -1) {
      const other = r.street(corner !== -1 ? corner : and);
      if (other.words.length > 0) {
        part.kind = 'corner';
        part.names.push(other.words);
        i = other.end;
      }
    } else if (lex.between.has(r.word(i) ?? '')) {
      const first = r.street(i + 1);
      const second = lex.and.has(r.word(first.end) ?? '') ? r.street(first.end + 1) : undefined;
      if (second && first.words.length > 0 && second.words.length > 0) part.between = [first.words, second.words];
      i = second ? second.end : first.end;
    }
  }
  return parts;
}

/** A name's words as a key: particles, titles and a trailing street suffix ("Main St") dropped, directions spelled out. */
function keyOf(words: readonly string[], lex: Lexicon): string {
  let kept = words.filter((w) => !lex.particles.has(w)).map((w) => lex.directionOf.get(w) ?? w);
  const untitled = kept.filter((w) => !lex.titles.has(w));
  if (untitled.length > 0) kept = untitled;
  if (kept.length > 1 && lex.streetSuffixes.has(kept[kept.length - 1] as string)) kept = kept.slice(0, -1);
  return kept.filter((w) => w !== '#').join(' ');
}

const named = (key: string) => /\p{L}|\d/u.test(key);

/** The address's street, number, corner and colony, each as a key; undefined when it names nothing. */
export function parseAddress(text: string, pack: LanguagePack = defaultLanguagePack()): ParsedAddress | undefined {
  const lex = lexicon(pack);
  const parts = read(itemsOf(text), lex).filter((p) => p.names.some((n) => n.some((w) => !lex.ignorable.has(w))));
  const keyed = parts.map((p) => ({ part: p, keys: p.names.map((n) => keyOf(n, lex)).filter(named) })).filter((p) => p.keys.length > 0);
  for (const p of keyed) if (p.part.kind === 'plain' && !p.part.number && lex.areasAlone.has(p.keys[0] as string)) p.part.kind = 'colony';
  const colonyPart = keyed.find((p) => p.part.kind === 'colony');
  const streets = keyed.filter((p) => p.part.kind !== 'colony');
  const rank = (p: Part) => (p.number ? 0 : 2) + (p.kind === 'plain' ? 1 : 0);
  const street = [...streets].sort((a, b) => rank(a.part) - rank(b.part))[0];
  const colony = colonyPart?.keys[0] ?? streets.find((p) => p !== street && p.part.kind === 'plain' && p.keys.length === 1)?.keys[0];
  if (!street && !colony) return undefined;
  const parsed: ParsedAddress = { streets: street ? street.keys.slice(0, 2) : [] };
  if (street?.part.number) parsed.number = street.part.number;
  const between = street?.part.between?.map((n) => keyOf(n, lex)).filter(named);
  if (between?.length === 2) parsed.between = between.sort() as [string, string];
  if (colony) parsed.colony = colony;
  return parsed;
}

/**
 * The canonical key of an address: "juarez 210|centro" for "calle Juárez 210, col. Centro";
 * "hidalgo y morelos" for a corner, "juarez entre hidalgo y morelos" for a block, "juarez" for a
 * street alone and "|centro" for a colony alone. Null when the text names no place.
 */
export function addressKey(text: string, pack: LanguagePack = defaultLanguagePack()): string | null {
  const parsed = parseAddress(text, pack);
  return parsed ? formatAddressKey(parsed, pack) : null;
}

export function formatAddressKey(parsed: ParsedAddress, pack: LanguagePack = defaultLanguagePack()): string {
  const and = pack.address.and[0] ?? 'y';
  const between = pack.address.between[0] ?? 'entre';
  const [first, second] = parsed.streets;
  let street = '';
  if (first !== undefined && parsed.number) street = `${first} ${parsed.number}`;
  else if (first !== undefined && second !== undefined) street = [first, second].sort().join(` ${and} `);
  else if (first !== undefined && parsed.between) street = `${first} ${between} ${parsed.between.join(` ${and} `)}`;
  else if (first !== undefined) street = first;
  return parsed.colony ? `${street}|${parsed.colony}` : street;
}

/**
 * A gazetteer's name as the same kind of key: "Av. Juárez" and "Juárez" are "juarez", "Fracc.
 * Los Olivos" is "olivos", "5 de Mayo" is "5 mayo"; the leading type word is dropped only when a
 * name follows it.
 */
export function placeNameKey(name: string, pack: LanguagePack = defaultLanguagePack()): string {
  const lex = lexicon(pack);
  const items = itemsOf(name).filter((x): x is { w: string; dot: boolean } => x !== 'break');
  const r = new Reader(items, lex);
  let i = 0;
  while (i < items.length - 1) {
    const e = r.streetType(i) !== -1 ? i + 1 : r.areaType(i);
    if (e === -1) break;
    i = e;
  }
  return keyOf(
    items.slice(i).map((x) => x.w),
    lex,
  );
}
