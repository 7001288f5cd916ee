import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { isCapitalized, perPack, prepare, type Doc, type Token } from '../../language/text.js';

const lexicon = perPack((pack: LanguagePack) => {
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
    landmarks: set(a.landmarkWords),
    notStreetBeforeNumber: set(a.notStreetBeforeNumber),
  };
});

type Lexicon = ReturnType<typeof lexicon>;

const has = (set: Set<string>, w: string | undefined) => w !== undefined && set.has(w);

class AddressParser {
  readonly tokens: Token[];
  readonly caseless: boolean;

  constructor(
    doc: Doc,
    readonly lex: Lexicon,
  ) {
    this.tokens = doc.tokens;
    this.caseless = doc.caseless;
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
      if (this.isNumber(j)) {
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

  /** The words of `phrase` at `j`, and where they end, or -1. */
  phraseAt(j: number, phrase: readonly string[]): number {
    for (let k = 0; k < phrase.length; k++) if (this.word(j + k) !== phrase[k]) return -1;
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
    if (w !== undefined && (this.lex.houseNumber.has(w) || this.lex.kilometre.has(w))) {
      let k = this.afterAbbreviation(j);
      if (this.punct(k, '°') || this.punct(k, '#')) k++;
      return this.isNumber(k) ? this.numberTail(k) : -1;
    }
    return this.isNumber(j) ? this.numberTail(j) : -1;
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
    if (this.punct(j, ',')) j++;
    const w = this.word(j);
    const starts = [j];
    if (has(this.lex.qualifierLinks, w)) {
      // "en la colonia", "de la colonia".
      starts.unshift(has(this.lex.qualifierArticles, this.word(j + 1)) ? j + 2 : j + 1);
    }
    for (const s of starts) {
      const e = this.qualifierCore(s);
      if (e !== -1) return e;
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

/**
 * The street address inside a free sentence, in the citizen's own spelling: "…frente a la escuela
 * de la calle Hidalgo 123" → "calle Hidalgo 123". A street type (calle, av., blvd., carrera, jirón…)
 * is required; house number, colonia, corner, "entre X y Y", barrio, fraccionamiento and sector are
 * taken when present. Landmarks alone ("frente al mercado") give `undefined`.
 */
export function extractAddress(text: string, pack: LanguagePack = defaultLanguagePack()): string | undefined {
  const doc = prepare(text);
  const parser = new AddressParser(doc, lexicon(pack));
  for (let i = 0; i < doc.tokens.length; i++) {
    const span = parser.addressAt(i);
    if (!span) continue;
    const first = doc.tokens[span[0]] as Token;
    const last = doc.tokens[span[1] - 1] as Token;
    return doc.original.slice(first.start, last.end);
  }
  return undefined;
}

function isContentWord(lex: Lexicon, w: string | undefined): boolean {
  return w !== undefined && (/^\d/.test(w) || (w.length >= 3 && !lex.stop.has(w) && !lex.particles.has(w)));
}

/**
 * Whether an answer to "¿dónde es?" reads as a place: a street address, a colonia or corner, a
 * landmark ("cerca del mercado"), or a name and number ("Hidalgo 123").
 */
export function looksLikeAddress(text: string, pack: LanguagePack = defaultLanguagePack()): boolean {
  const lex = lexicon(pack);
  const doc = prepare(text);
  const parser = new AddressParser(doc, lex);
  const tokens = doc.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (parser.addressAt(i)) return true;
    const w = parser.word(i);
    if (w === undefined) continue;
    const anchor = parser.streetType(i) !== -1 || lex.areaTypes.has(w) || lex.landmarks.has(w);
    if (anchor) {
      for (let k = i + 1; k < Math.min(tokens.length, i + 5); k++) if (isContentWord(lex, parser.word(k))) return true;
    }
    // "entre Juárez y Morelos", but not "entre semana".
    if (lex.between.has(w) && isContentWord(lex, parser.word(i + 1))) {
      for (let k = i + 2; k < Math.min(tokens.length, i + 6); k++) {
        if (has(lex.and, parser.word(k)) && isContentWord(lex, parser.word(k + 1))) return true;
      }
    }
    if (/^\p{L}{3,}$/u.test(w) && !lex.stop.has(w) && !lex.notStreetBeforeNumber.has(w) && parser.houseNumber(i + 1) !== -1) return true;
  }
  return false;
}
