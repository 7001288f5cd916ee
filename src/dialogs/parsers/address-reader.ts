import type { LanguagePack } from '../../language/language-pack.js';
import { isCapitalized, perPack, prepare, type Doc, type Token } from '../../language/text.js';

/**
 * The address parsers' shared reader: the pack's address words as sets and phrases, and one
 * class that reads a tokenized text at an index (a street type, a name, a house number, a
 * qualifier such as "col. Centro" or "entre Juárez y Morelos"). Street addresses are read here;
 * places without a street type (landmarks, offices, colonies) in places.ts, and crossings and
 * kilometre markers in crossings.ts.
 */

export type PlaceNoun = 'landmark' | 'office' | 'head' | 'area';

/** Pack phrases as folded words; "*" matches any one word. */
function phrases(list: readonly string[]): string[][] {
  return list
    .map((p) =>
      prepare(p)
        .tokens.filter((t) => t.word || t.text === '*')
        .map((t) => (t.word ? t.folded : '*')),
    )
    .filter((words) => words.length > 0)
    .sort((a, b) => b.length - a.length);
}

/** Place nouns by their first word, longest first, so "centro de salud" is tried before "centro". */
function nounIndex(groups: Array<[PlaceNoun, readonly string[]]>): Map<string, Array<{ words: string[]; kind: PlaceNoun }>> {
  const index = new Map<string, Array<{ words: string[]; kind: PlaceNoun }>>();
  for (const [kind, list] of groups) {
    for (const words of phrases(list)) {
      const first = words[0] as string;
      const entries = index.get(first) ?? [];
      entries.push({ words, kind });
      index.set(first, entries);
    }
  }
  for (const entries of index.values()) entries.sort((a, b) => b.words.length - a.words.length);
  return index;
}

export const lexicon = perPack((pack: LanguagePack) => {
  const a = pack.address;
  const set = (words: readonly string[]) => new Set(words);
  return {
    streetTypes: set(a.streetTypes),
    streetNeedsDot: set(a.streetNeedsDot),
    streetAmbiguous: set(a.streetAmbiguous),
    streetToward: set(a.streetToward),
    toward: set(a.towardWords),
    abbreviations: set(a.abbreviations),
    directions: set(a.directions),
    areaTypes: set(a.areaTypes),
    particles: set(a.nameParticles),
    stop: set([...a.nameStop, ...a.areaTypes]),
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
    qualifierLinks: set(a.qualifierLinks),
    qualifierArticles: set(a.qualifierArticles),
    landmarkWords: set(a.landmarkWords),
    notStreetBeforeNumber: set(a.notStreetBeforeNumber),
    ordinal: new RegExp(
      `^\\d{1,3}(?:${
        a.ordinalSuffixes
          .map((x) => x.replace(/[^a-z]/g, ''))
          .filter(Boolean)
          .join('|') || '(?!)'
      })$`,
    ),
    streetSuffixes: set(a.streetSuffixes),
    streetSuffixTitles: set(a.streetSuffixTitles),
    areaAmbiguous: set(a.areaAmbiguous),
    locatives: phrases(a.locatives),
    streetLocatives: phrases([...a.locatives, ...a.streetLocatives]),
    relations: phrases(a.relations),
    relationLinks: set(a.relationLinks),
    linksWithArticle: set(a.linksWithArticle),
    placeArticles: set(a.placeArticles),
    complementLinks: set(a.complementLinks),
    nouns: nounIndex([
      ['landmark', a.landmarks],
      ['office', a.offices],
      ['head', a.placeHeads],
      ['area', a.areasAlone.map((x) => x.phrase)],
    ]),
    areaNeedsCue: set(a.areasAlone.filter((x) => x.needsCue).map((x) => x.phrase)),
    modifiers: set(a.placeModifiers),
    towardLandmarks: set(a.towardLandmarks),
    notPlaceNames: set(a.notPlaceNames),
    /** "junto a la Sra. María" is a person: a title is no landmark's name. */
    titles: set(pack.name.titles),
    /** What a gazetteer entry may start with and still be known without it: "Av. Insurgentes". */
    typeWords: set([...a.streetTypes, ...a.streetNeedsDot, ...a.areaTypes, ...a.streetSuffixes]) as ReadonlySet<string>,
  };
});

export type Lexicon = ReturnType<typeof lexicon>;

export const has = (set: ReadonlySet<string>, w: string | undefined) => w !== undefined && set.has(w);

/** Where a clause ends or begins: the text's edge, a line break or one of these marks. */
const CLAUSE_MARKS = new Set(['.', ',', ';', ':', '!', '?', '¡', '¿', '(', ')', '"', '…']);

export class AddressParser {
  readonly tokens: Token[];
  readonly caseless: boolean;
  /** Asked of every token by several readers, so worked out once. */
  private readonly caps: boolean[];

  constructor(
    readonly doc: Doc,
    readonly lex: Lexicon,
  ) {
    this.tokens = doc.tokens;
    this.caseless = doc.caseless;
    this.caps = doc.tokens.map((t) => !doc.caseless && t.word && isCapitalized(t.text));
  }

  /** A capitalized word in a text that uses capitals, where a capital says "name". */
  isCap(i: number): boolean {
    return this.caps[i] === true;
  }

  /** "5th", "3ra": a numbered street's name. */
  isOrdinal(i: number): boolean {
    const w = this.word(i);
    return w !== undefined && this.lex.ordinal.test(w);
  }

  /** The end of the longest of `list` at `j`, or -1. */
  longestPhrase(j: number, list: readonly (readonly string[])[]): number {
    for (const phrase of list) {
      const e = this.phraseAt(j, phrase);
      if (e !== -1) return e;
    }
    return -1;
  }

  /** Whether a locative before a street ("en", "sobre", "on"), maybe with its article ("en la"), ends right before `i`. */
  locativeBefore(i: number): boolean {
    const before = (end: number) => this.lex.streetLocatives.some((l) => end - l.length >= 0 && this.phraseAt(end - l.length, l) === end);
    return before(i) || (has(this.lex.placeArticles, this.word(i - 1)) && before(i - 1));
  }

  /** Whether a clause begins at token `i`: the text's start, a line break or a mark before it. */
  clauseStart(i: number): boolean {
    const t = this.tokens[i];
    const prev = this.tokens[i - 1];
    if (!t || !prev) return true;
    return (!prev.word && CLAUSE_MARKS.has(prev.text)) || this.doc.original.slice(prev.end, t.start).includes('\n');
  }

  /** Whether a clause ends before token `i`. */
  clauseEnd(i: number): boolean {
    const t = this.tokens[i];
    return !t || (!t.word && CLAUSE_MARKS.has(t.text)) || this.clauseStart(i);
  }

  word(i: number): string | undefined {
    const t = this.tokens[i];
    return t?.word ? t.folded : undefined;
  }

  /** Punctuation `ch` at `i`, glued to the token before it. */
  glued(i: number, ch: string): boolean {
    const t = this.tokens[i];
    const prev = this.tokens[i - 1];
    return !!t && !!prev && !t.word && t.text === ch && t.start === prev.end;
  }

  punct(i: number, ch: string): boolean {
    const t = this.tokens[i];
    return !!t && !t.word && t.text === ch;
  }

  afterAbbreviation(i: number): number {
    return has(this.lex.abbreviations, this.word(i)) && this.glued(i + 1, '.') ? i + 2 : i + 1;
  }

  isNumber(i: number): boolean {
    const w = this.word(i);
    return w !== undefined && /^\d{1,5}[a-z]?$/.test(w);
  }

  /** End of a street-type word at `i`, or -1. */
  streetType(i: number): number {
    const w = this.word(i);
    if (w === undefined) return -1;
    if (this.lex.streetNeedsDot.has(w)) return this.glued(i + 1, '.') || (w.length === 1 && this.glued(i + 1, '/')) ? i + 2 : -1;
    return this.lex.streetTypes.has(w) ? this.afterAbbreviation(i) : -1;
  }

  /**
   * A street or area name: words, numbers and particles ("5 de Mayo", "de los Insurgentes").
   * When the citizen capitalized its first word, the name ends at the first lowercase word, so
   * "calle Hidalgo lleno de basura" stops after "Hidalgo".
   */
  name(i: number, allowAnd: boolean): { end: number; evidence: boolean } | undefined {
    let j = i;
    let end = -1;
    let words = 0;
    let particles = 0;
    let sawWord = false;
    let capitalized: boolean | undefined;
    let evidence = false;
    const maxWords = this.caseless ? 4 : 6;
    while (j < this.tokens.length && words < maxWords) {
      const w = this.word(j);
      if (w === undefined) break;
      if (this.lex.particles.has(w)) {
        if (++particles > 3) break;
        j++;
        continue;
      }
      if (this.lex.and.has(w)) {
        // An intersection ("Juárez y 5 de Mayo") only when what follows is clearly another street name.
        const next = this.tokens[j + 1];
        const crossing = next?.word && (this.isNumber(j + 1) || (capitalized === true && isCapitalized(next.text)));
        if (!allowAnd || particles > 0 || end === -1 || !crossing) break;
        particles++;
        sawWord = false;
        capitalized = undefined;
        j++;
        continue;
      }
      if (this.lex.stop.has(w)) break;
      if (this.isNumber(j) || this.isOrdinal(j)) {
        if (sawWord) break; // after a name, a number is the house number
        evidence = true;
      } else {
        if (!/^\p{L}{2,}$/u.test(w)) break;
        const cap = isCapitalized((this.tokens[j] as Token).text);
        if (capitalized === undefined) capitalized = !this.caseless && cap;
        else if (capitalized && !cap) break;
        if (capitalized) evidence = true;
        sawWord = true;
      }
      words++;
      particles = 0;
      j++;
      end = j;
    }
    return end === -1 ? undefined : { end, evidence };
  }

  numberTail(j: number): number {
    let e = j + 1;
    const next = this.tokens[e + 1];
    if (this.glued(e, '-') && next?.word && next.start === (this.tokens[e] as Token).end && /^(?:\d{1,4}|\p{L})$/u.test(next.folded))
      e += 2;
    if (this.word(e) === 'bis') e++;
    return e;
  }

  /** The words of `phrase` at `j`, and where they end, or -1; "*" is any one word. */
  phraseAt(j: number, phrase: readonly string[]): number {
    for (let k = 0; k < phrase.length; k++) {
      const w = this.word(j + k);
      if (w === undefined || (phrase[k] !== '*' && w !== phrase[k])) return -1;
    }
    return j + phrase.length;
  }

  /** "#123", "No. 45", "número 45", "45-B", "s/n", "km 12", or -1. */
  houseNumber(i: number): number {
    let j = i;
    if (this.punct(j, ',') && (this.punct(j + 1, '#') || has(this.lex.houseNumber, this.word(j + 1)))) j++;
    const w = this.word(j);
    if (this.punct(j, '#')) return this.isNumber(j + 1) ? this.numberTail(j + 1) : -1;
    if (w === 's' && this.glued(j + 1, '/') && this.word(j + 2) === 'n') return this.glued(j + 3, '.') ? j + 4 : j + 3;
    for (const phrase of this.lex.withoutNumber) {
      const e = this.phraseAt(j, phrase);
      if (e !== -1) return e;
    }
    if (w !== undefined && this.lex.kilometre.has(w)) return this.kilometre(j);
    if (w !== undefined && this.lex.houseNumber.has(w)) {
      let k = this.afterAbbreviation(j);
      if (this.punct(k, '°') || this.punct(k, '#')) k++;
      return this.isNumber(k) ? this.numberTail(k) : -1;
    }
    return this.isNumber(j) ? this.numberTail(j) : -1;
  }

  /** "km 12", "kilómetro 4.5": a kilometre word at `j` and its number, decimals included; or -1. */
  kilometre(j: number): number {
    const k = this.afterAbbreviation(j);
    if (!this.isNumber(k)) return -1;
    const sep = this.tokens[k + 1];
    const decimals = this.tokens[k + 2];
    const glued = sep && decimals?.word && sep.start === (this.tokens[k] as Token).end && decimals.start === sep.end;
    return glued && (sep.text === '.' || sep.text === ',') && /^\d{1,3}$/.test(decimals.folded) ? k + 3 : k + 1;
  }

  /** "int. 3", "mz 4 lt 12", "depto B" after the house number. */
  units(i: number): number {
    let end = i;
    for (let n = 0; n < 4; n++) {
      let j = end;
      if (this.punct(j, ',')) j++;
      const w = this.word(j);
      if (w === undefined || !this.lex.units.has(w)) break;
      const k = this.afterAbbreviation(j);
      const v = this.word(k);
      if (v === undefined || !/^(?:\d{1,5}[a-z]?|\p{L})$/u.test(v)) break;
      end = k + 1;
    }
    return end;
  }

  /** ", col. Centro", "esquina con Reforma", "entre Juárez y Morelos", "barrio San Juan", or -1. */
  qualifier(i: number): number {
    let j = i;
    const comma = this.punct(j, ',');
    if (comma) j++;
    const w = this.word(j);
    const starts = [j];
    if (has(this.lex.qualifierLinks, w)) {
      // "en la colonia", "de la colonia".
      starts.unshift(has(this.lex.qualifierArticles, this.word(j + 1)) ? j + 2 : j + 1);
    }
    for (const s of starts) {
      const e = this.qualifierCore(s);
      if (e !== -1) return e;
      // ", Downtown", "en el centro": an area named alone, once a comma or a link sets it apart.
      if (comma || s !== j) {
        const area = this.areaAlone(s);
        if (area !== -1) return area;
      }
    }
    return -1;
  }

  /** "centro", "downtown", "zona centro" at `j`: the end, or -1. */
  areaAlone(j: number): number {
    for (const e of this.lex.nouns.get(this.word(j) ?? '') ?? []) {
      const end = e.kind === 'area' ? this.phraseAt(j, e.words) : -1;
      if (end !== -1 && !has(this.lex.complementLinks, this.word(end))) return end;
    }
    return -1;
  }

  private street(j: number): number {
    const s = this.streetType(j);
    return s === -1 ? j : s;
  }

  private qualifierCore(i: number): number {
    const lex = this.lex;
    let j = i;
    let w = this.word(j);
    if (w === undefined) return -1;
    if (lex.areaTypes.has(w)) return this.name(this.afterAbbreviation(j), false)?.end ?? -1;
    if (lex.almost.has(w) && has(lex.corner, this.word(j + 1))) w = this.word(++j);
    if (has(lex.corner, w)) {
      j = this.afterAbbreviation(j);
      if (has(lex.cornerLinks, this.word(j))) j++;
      return this.name(this.street(j), false)?.end ?? -1;
    }
    if (has(lex.between, w)) {
      const first = this.name(this.street(j + 1), false);
      if (!first || !has(lex.and, this.word(first.end))) return -1;
      return this.name(this.street(first.end + 1), false)?.end ?? -1;
    }
    if (has(lex.postalCode, w) || (w === 'c' && this.glued(j + 1, '.') && this.word(j + 2) === 'p')) {
      let k = has(lex.postalCode, w) ? this.afterAbbreviation(j) : this.glued(j + 3, '.') ? j + 4 : j + 3;
      if (this.punct(k, ':')) k++;
      return /^\d{5}$/.test(this.word(k) ?? '') ? k + 1 : -1;
    }
    return -1;
  }

  /** The address starting with a street type at `i`, as [start, end) token indexes. */
  addressAt(i: number): [number, number] | undefined {
    let j = this.streetType(i);
    if (j === -1) return undefined;
    const type = this.word(i) as string;
    if (this.lex.streetToward.has(type) && has(this.lex.toward, this.word(j))) j++;
    const name = this.name(j, true);
    if (!name) return undefined;
    let end = name.end;
    let evidence = name.evidence;
    let number = this.houseNumber(end);
    if (number !== -1 && has(this.lex.directions, this.word(number))) number = this.afterAbbreviation(number);
    const units = this.units(number === -1 ? end : number);
    if (units !== name.end) evidence = true;
    end = units;
    for (let n = 0; n < 6; n++) {
      const e = this.qualifier(end);
      if (e === -1) break;
      end = this.units(e);
      evidence = true;
    }
    if (this.lex.streetAmbiguous.has(type) && !evidence) return undefined;
    return [i, end];
  }
}
