import type { KnownNames } from '../../places/gazetteer.js';
import { type AddressParser, has } from './address-reader.js';
import { type Candidate, capWord, properName, qualifiers } from './places.js';

/**
 * Places named by their streets without a street type: corners ("Hidalgo esq. Morelos", "en la
 * esquina de Juárez y Allende", "corner of Main and 5th"), blocks ("sobre Madero entre Zaragoza
 * y Guerrero"), kilometre markers ("en el km 4.5 de la carretera federal 57") and streets whose
 * type follows the name ("Main St", "45 Oak Avenue").
 */

/** How sure a street name is: known (gazetteer, "Main St"), capitalized, or just words in a caseless text. */
type Sureness = 'known' | 'capitalized' | 'words';

interface StreetName {
  end: number;
  sure: Sureness;
}

/** "Main St", "45 Oak Avenue", "5th Ave.": the end, or -1. Only packs with street suffixes have them. */
export function suffixStreetAt(p: AddressParser, i: number): number {
  const lex = p.lex;
  if (lex.streetSuffixes.size === 0) return -1;
  let k = i;
  if (p.isNumber(k) && !p.isOrdinal(k)) k = p.numberTail(k);
  const nameStart = k;
  while (k - nameStart < 4) {
    const w = p.word(k);
    if (w === undefined || (k > nameStart && lex.streetSuffixes.has(w))) break;
    const ok = p.isOrdinal(k) || (p.caseless ? /^\p{L}{2,}$/u.test(w) && !lex.stop.has(w) : capWord(p, k));
    if (!ok) break;
    k++;
  }
  const words = k - nameStart;
  if (words === 0 || (p.caseless && words > 2) || !has(lex.streetSuffixes, p.word(k))) return -1;
  const end = p.afterAbbreviation(k);
  // "Ask Dr Smith", "St Mary's": a title before a name, not a street after one.
  if (has(lex.streetSuffixTitles, p.word(k)) && p.isCap(end)) return -1;
  return end;
}

function streetNameAt(p: AddressParser, i: number, known: KnownNames | undefined): StreetName | undefined {
  if (known) {
    const m = known(i, true);
    if (m && m.kind !== 'landmark') return { end: m.end, sure: 'known' };
  }
  // "esquina de Av. Juárez y Morelos": a typed street is a street name, and reads its own crossing.
  const typed = p.addressAt(i);
  if (typed) return { end: typed[1], sure: 'known' };
  const suffix = suffixStreetAt(p, i);
  if (suffix !== -1) return { end: suffix, sure: 'known' };
  const w = p.word(i);
  const lex = p.lex;
  if (w === undefined || lex.notPlaceNames.has(w) || lex.stop.has(w) || lex.particles.has(w) || p.streetType(i) !== -1) return undefined;
  // A number alone is a count ("entre 2 y 3 días"), not a street; "5 de Mayo" and "5th" are.
  if (p.isNumber(i) && !p.isOrdinal(i) && !has(lex.particles, p.word(i + 1))) return undefined;
  if (!p.caseless) {
    const end = properName(p, i);
    return end === -1 ? undefined : { end, sure: 'capitalized' };
  }
  const name = p.name(i, false);
  return name ? { end: name.end, sure: 'words' } : undefined;
}

const atLeast = (name: StreetName | undefined, sure: Sureness) =>
  !!name && (name.sure === 'known' || sure === 'words' || (sure === 'capitalized' && name.sure === 'capitalized'));

/** "esquina de Juárez y Allende", "esquina con Reforma", "corner of Main and 5th" at `i`: the end, or -1. */
function cornerOf(p: AddressParser, i: number, known: KnownNames | undefined): number {
  const lex = p.lex;
  if (!has(lex.corner, p.word(i))) return -1;
  let j = p.afterAbbreviation(i);
  if (has(lex.cornerLinks, p.word(j))) j++;
  const first = streetNameAt(p, j, known);
  if (!first) return -1;
  if (has(lex.and, p.word(first.end))) {
    const second = streetNameAt(p, first.end + 1, known);
    if (second) return second.end;
  }
  return atLeast(first, 'capitalized') ? first.end : -1;
}

/**
 * A corner or block that starts with a street name at `i`. Capitals say "these are names"; in a
 * caseless text the structure must be stronger ("en hidalgo esquina con morelos"). A bare
 * "Juárez y Allende" is a corner after "en"/"sobre" or as a clause of its own, or when a gazetteer
 * knows both names; "Juan y María me atendieron" is not.
 */
function crossingFrom(p: AddressParser, i: number, known: KnownNames | undefined): number {
  const lex = p.lex;
  const first = streetNameAt(p, i, known);
  if (!first) return -1;
  const located = p.locativeBefore(i);
  const need: Sureness = located ? 'words' : 'capitalized';
  let j = first.end;
  // "Hidalgo esq. Morelos", "Insurgentes casi esquina con Reforma".
  if (has(lex.almost, p.word(j)) && has(lex.corner, p.word(j + 1))) j++;
  if (has(lex.corner, p.word(j))) {
    const abbreviated = p.afterAbbreviation(j) === j + 2;
    let k = p.afterAbbreviation(j);
    if (has(lex.cornerLinks, p.word(k))) k++;
    const second = streetNameAt(p, k, known);
    const enough = abbreviated || located ? 'words' : 'capitalized';
    return atLeast(first, enough) && atLeast(second, enough) ? (second as StreetName).end : -1;
  }
  // "Madero entre Zaragoza y Guerrero".
  if (has(lex.between, p.word(j))) {
    const second = streetNameAt(p, j + 1, known);
    if (!second || !has(lex.and, p.word(second.end))) return -1;
    const third = streetNameAt(p, second.end + 1, known);
    return atLeast(first, need) && atLeast(second, need) && atLeast(third, need) ? (third as StreetName).end : -1;
  }
  // "Juárez y Allende".
  if (has(lex.and, p.word(j))) {
    const second = streetNameAt(p, j + 1, known);
    if (!second) return -1;
    const bothKnown = first.sure === 'known' && second.sure === 'known';
    const framed = located || (p.clauseStart(i) && p.clauseEnd(second.end));
    return bothKnown || (framed && atLeast(first, 'capitalized') && atLeast(second, 'capitalized')) ? second.end : -1;
  }
  return -1;
}

/** "entre Zaragoza y Guerrero" on its own: both names capitalized or known, or "entre semana" would be one. */
function betweenAt(p: AddressParser, i: number, known: KnownNames | undefined): number {
  const lex = p.lex;
  if (!has(lex.between, p.word(i))) return -1;
  const first = streetNameAt(p, i + 1, known);
  if (!first || !has(lex.and, p.word(first.end))) return -1;
  const second = streetNameAt(p, first.end + 1, known);
  return atLeast(first, 'capitalized') && atLeast(second, 'capitalized') ? (second as StreetName).end : -1;
}

/** "km 12", "en el km 4.5 de la carretera federal 57": the marker and the road it is on. */
function kilometreAt(p: AddressParser, i: number): number {
  const lex = p.lex;
  if (!has(lex.kilometre, p.word(i))) return -1;
  const end = p.kilometre(i);
  if (end === -1 || !has(lex.complementLinks, p.word(end))) return end;
  let j = end + 1;
  if (has(lex.placeArticles, p.word(j))) j++;
  return p.addressAt(j)?.[1] ?? end;
}

/** A corner, block, kilometre marker or suffix street starting at `i`. */
export function crossingAt(p: AddressParser, i: number, known: KnownNames | undefined): Candidate | undefined {
  let end = kilometreAt(p, i);
  if (end === -1) end = cornerOf(p, i, known);
  if (end === -1) end = betweenAt(p, i, known);
  if (end === -1) end = crossingFrom(p, i, known);
  if (end === -1) end = suffixStreetAt(p, i);
  if (end === -1) return undefined;
  return { start: i, end: qualifiers(p, p.units(end)), tier: 1 };
}
