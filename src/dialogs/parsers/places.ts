import type { KnownNames } from '../../places/gazetteer.js';
import { type AddressParser, has, type PlaceNoun } from './address-reader.js';

/**
 * Places without a street type: landmarks ("frente al kinder Benito Juárez", "a la altura de la
 * gasolinera"), public offices ("en la tesorería", "ventanilla del registro civil"), colonies
 * ("col. Centro", "la Zona Norte"), areas named alone ("downtown") and, with a gazetteer, the
 * town's own names ("la Benito Juárez"). Each reader returns a token span or nothing.
 *
 * Two modes, as the dialog asks two questions of a text. `extract` looks for the place inside a
 * first message, where a stray noun must not end the search for a real address: a bare landmark
 * needs a reference ("frente al mercado") or something that names it ("mercado municipal", "la
 * escuela Benito Juárez"). `answer` reads the reply to "¿Dónde es?", where "el mercado" is enough.
 */

export type Mode = 'extract' | 'answer';

/** A place found in the text, as [start, end) token indexes. Tier 1 is a street, a corner or a kilometre; tier 2 anything else. */
export interface Candidate {
  start: number;
  end: number;
  tier: 1 | 2;
}

/**
 * What introduces a place: a reference kept with it ("frente al"), a locative left out ("en la"),
 * the link of a complement ("la lámpara de la plaza principal"), an article alone, or nothing.
 */
type Cue = 'relation' | 'locative' | 'of' | 'article' | 'none';

interface Phrase {
  end: number;
  kind: PlaceNoun | 'areaType' | 'name';
  /** Something beyond the bare noun: a modifier, a name, a number, a complement, a colony. */
  specific: boolean;
  /** Something that names it: a capitalized name, a number, a colony, a known noun as complement. */
  strong: boolean;
  complement: boolean;
  /** "centro" is the downtown only after "en el". */
  needsCue: boolean;
}

export function nounAt(p: AddressParser, j: number): { end: number; kind: PlaceNoun; phrase: string } | undefined {
  const entries = p.lex.nouns.get(p.word(j) ?? '');
  for (const e of entries ?? []) {
    const end = p.phraseAt(j, e.words);
    if (end !== -1) return { end, kind: e.kind, phrase: e.words.join(' ') };
  }
  return undefined;
}

/** One capitalized word that can be part of a name: not "En" or "Hay" at a sentence's start. */
export function capWord(p: AddressParser, j: number): boolean {
  const w = p.word(j);
  return w !== undefined && p.isCap(j) && /^\p{L}{2,}$/u.test(w) && !p.lex.stop.has(w);
}

/**
 * A proper name in a text that uses capitals: capitalized words and numbers, with particles
 * between them ("San José", "5 de Mayo", "Nuestra Señora de Guadalupe"); the end, or -1.
 */
export function properName(p: AddressParser, i: number): number {
  if (p.caseless) return -1;
  let j = i;
  let end = -1;
  let words = 0;
  let pending = 0;
  while (words < 6) {
    const w = p.word(j);
    if (w === undefined) break;
    if (end !== -1 && p.lex.particles.has(w) && pending < 3) {
      pending++;
      j++;
      continue;
    }
    if (!p.isNumber(j) && !p.isOrdinal(j) && !capWord(p, j)) break;
    words++;
    pending = 0;
    j++;
    end = j;
  }
  return end;
}

/** A word that can stand for what a place is of: "plaza del pueblo", "módulo de licencias". */
export function contentWord(p: AddressParser, j: number): boolean {
  const w = p.word(j);
  const lex = p.lex;
  return (
    w !== undefined &&
    w.length >= 3 &&
    /^\p{L}+$/u.test(w) &&
    !lex.stop.has(w) &&
    !lex.particles.has(w) &&
    !lex.notPlaceNames.has(w) &&
    p.streetType(j) === -1
  );
}

/**
 * "colonia Centro", "col. centro", "fracc. Las Palmas", "barrio de San Juan", "la Zona Norte":
 * the end, or -1. A lowercase name is a colony only after "en"/"de" or an abbreviation with its
 * dot ("la colonia entera se quedó sin luz" names none).
 */
export function areaTypeAt(p: AddressParser, j: number, linked: boolean): number {
  const lex = p.lex;
  const w = p.word(j);
  if (!has(lex.areaTypes, w)) return -1;
  const k = p.afterAbbreviation(j);
  const name = p.name(k, false);
  if (!name) return -1;
  const evidence = name.evidence || has(lex.directions, p.word(k));
  if (has(lex.areaAmbiguous, w) && !evidence) return -1;
  if (!evidence && !linked && k !== j + 2) return -1;
  return name.end;
}

/** ", col. Centro", "en la colonia Centro", "esquina con Reforma" after a place, as many as there are. */
export function qualifiers(p: AddressParser, end: number): number {
  let e = end;
  for (let n = 0; n < 4; n++) {
    const q = p.qualifier(e);
    if (q === -1) break;
    e = p.units(q);
  }
  return e;
}

function placePhrase(p: AddressParser, j: number, linked: boolean, depth: number): Phrase | undefined {
  const lex = p.lex;
  const area = areaTypeAt(p, j, linked);
  if (area !== -1) {
    const end = qualifiers(p, area);
    return { end, kind: 'areaType', specific: true, strong: true, complement: false, needsCue: false };
  }
  // Words before the noun, as English puts them: "the old market", "Lincoln Elementary School".
  let k = j;
  let pre = 0;
  let preCap = false;
  let noun = nounAt(p, k);
  while (!noun && pre < 3 && (has(lex.modifiers, p.word(k)) || capWord(p, k))) {
    preCap ||= p.isCap(k);
    k++;
    pre++;
    noun = nounAt(p, k);
  }
  if (!noun) {
    // A name alone ("frente al Oxxo"): only its first word capitalized says it is one; titles are people.
    if (!p.isCap(j) || has(lex.titles, p.word(j))) return undefined;
    const end = properName(p, j);
    return end === -1 ? undefined : { end, kind: 'name', specific: true, strong: true, complement: false, needsCue: false };
  }

  let end = noun.end;
  // A capitalized landmark after the first word is a proper name: "en el Centro de Salud", "la Plaza de Armas".
  // Offices are capitalized whatever is said of them ("un dictamen de Protección Civil"), acronyms too ("del DIF").
  const properNoun = noun.kind === 'landmark' && j > 0 && p.isCap(j) && /\p{Ll}/u.test(p.tokens[j]?.text ?? '');
  let specific = pre > 0 || properNoun;
  let strong = preCap;
  let complement = false;
  // "la salida a Monterrey", "la entrada al fraccionamiento".
  if (has(lex.towardLandmarks, noun.phrase) && has(lex.toward, p.word(end))) {
    let t = end + 1;
    if (has(lex.placeArticles, p.word(t))) t++;
    const named = properName(p, t);
    const area = named === -1 ? areaTypeAt(p, t, true) : -1;
    const reached = named !== -1 ? named : area !== -1 ? area : (nounAt(p, t)?.end ?? -1);
    if (reached !== -1) {
      end = reached;
      specific = strong = true;
    }
  }
  for (let n = 0; n < 6; n++) {
    const w = p.word(end);
    if (w === undefined) break;
    const next = nounAt(p, end);
    if (has(lex.modifiers, w) || (next?.kind === 'landmark' && next.end === end + 1)) {
      end++;
      specific = true;
      continue;
    }
    // A year is when, not which: "el predial 2027".
    if (/^(?:19|20)\d\d$/.test(w)) break;
    // "kinder Benito Juárez", "secundaria técnica 12", "escuela primaria No. 5".
    const named = p.isCap(end) || p.isNumber(end) ? properName(p, end) : -1;
    const numbered = named === -1 && (p.isNumber(end) || has(lex.houseNumber, w)) ? p.houseNumber(end) : -1;
    if (named === -1 && numbered === -1) break;
    end = named === -1 ? numbered : named;
    specific = strong = true;
  }
  // "iglesia de San José", "oficinas de catastro", "plaza del pueblo"; "de la colonia X" is a qualifier, read below.
  if (depth === 0 && has(lex.complementLinks, p.word(end))) {
    let c = end + 1;
    if (has(lex.placeArticles, p.word(c))) c++;
    if (!has(lex.areaTypes, p.word(c))) {
      const inner = placePhrase(p, c, true, 1);
      // "la tienda de don Pepe": a title and the name after it.
      const person = has(lex.titles, p.word(c)) ? properName(p, p.glued(c + 1, '.') ? c + 2 : c + 1) : -1;
      if (inner && inner.kind !== 'areaType' && !(inner.kind === 'area' && inner.end === c + 1 && inner.needsCue)) {
        end = inner.end;
        complement = specific = strong = true;
      } else if (person !== -1) {
        end = person;
        complement = specific = strong = true;
      } else if (contentWord(p, c) && !has(lex.titles, p.word(c))) {
        end = c + 1;
        while (has(lex.modifiers, p.word(end))) end++;
        complement = specific = true;
      } else if (noun.kind === 'area') {
        // "el centro de la calle" is no downtown.
        return undefined;
      }
    }
  }
  const qualified = qualifiers(p, end);
  if (qualified !== end) {
    // A colony names the place ("el parque de la colonia Juárez"); a corner only says where
    // it is ("un semáforo en la esquina de la escuela" asks for one).
    for (let k = end; k < qualified && !strong; k++) strong = has(lex.areaTypes, p.word(k)) || has(lex.postalCode, p.word(k));
    end = qualified;
    specific = true;
  }
  return { end, kind: noun.kind, specific, strong, complement, needsCue: lex.areaNeedsCue.has(noun.phrase) };
}

function accepted(ph: Phrase, cue: Cue, article: boolean, mode: Mode): boolean {
  const referenced = cue === 'relation' || cue === 'locative';
  switch (ph.kind) {
    case 'areaType':
      return true;
    case 'name':
      // "frente al Oxxo", "near the Walmart"; "frente a Juan" is a person. Asked where, "la Benito Juárez" is a place.
      return article && (cue === 'relation' || mode === 'answer');
    case 'area':
      return mode === 'answer' || !ph.needsCue || referenced;
    case 'office':
      // "en la tesorería" is where it happened; "el recibo del predial" only mentions the office.
      return mode === 'answer' || referenced || ph.strong || (cue === 'of' && ph.specific);
    case 'landmark':
      if (mode === 'answer' || cue === 'relation') return true;
      return cue === 'locative' || cue === 'of' ? ph.specific : ph.strong;
    case 'head':
      if (mode === 'answer') return true;
      return ph.complement && (referenced || ph.strong);
  }
}

/**
 * The place that starts at token `i`, with what introduces it: a reference is kept ("frente al
 * kinder…", "in front of the school"), a locative and its article are not ("en la tesorería" →
 * "tesorería").
 */
export function placeAt(p: AddressParser, i: number, mode: Mode): Candidate | undefined {
  const lex = p.lex;
  let j = i;
  let cue: Cue = 'none';
  let article = false;
  let start = i;
  const relation = p.longestPhrase(i, lex.relations);
  if (relation !== -1) {
    cue = 'relation';
    j = relation;
    if (has(lex.relationLinks, p.word(j))) {
      article = has(lex.linksWithArticle, p.word(j));
      j++;
    }
  } else {
    const locative = p.longestPhrase(i, lex.locatives);
    if (locative !== -1) {
      cue = 'locative';
      j = locative;
    } else if (i > 0 && has(lex.complementLinks, p.word(i))) {
      cue = 'of';
      article = has(lex.linksWithArticle, p.word(i));
      j = i + 1;
    }
  }
  if (has(lex.placeArticles, p.word(j))) {
    article = true;
    if (cue === 'none') cue = 'article';
    j++;
  }
  if (cue !== 'relation') start = j;
  const ph = placePhrase(p, j, cue !== 'article' && cue !== 'none', 0);
  if (!ph || !accepted(ph, cue, article, mode)) return undefined;
  return { start, end: ph.end, tier: 2 };
}

/**
 * A name from the municipality's gazetteer at `i`. In a first message it must be capitalized or
 * follow "en"/"sobre"/an article, and a typo is forgiven only then: "Morales" the neighbour is
 * not "Morelos" the street. A known street with its number is as sure as any address.
 */
export function knownPlaceAt(p: AddressParser, i: number, mode: Mode, known: KnownNames): Candidate | undefined {
  const located = p.locativeBefore(i);
  const articled = has(p.lex.placeArticles, p.word(i - 1));
  if (mode === 'extract' && !located && !articled && !p.isCap(i)) return undefined;
  const m = known(i, mode === 'answer' || located || articled);
  if (!m) return undefined;
  // A one-word name after only an article in a caseless text is too often a word: "tengo la esperanza".
  if (mode === 'extract' && p.caseless && !located && m.end === i + 1) return undefined;
  let end = m.end;
  let tier: 1 | 2 = 2;
  if (m.kind === 'street') {
    const number = p.houseNumber(end);
    if (number !== -1) {
      end = p.units(number);
      tier = 1;
    }
  }
  return { start: i, end: qualifiers(p, end), tier };
}
