import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { prepare, type Token } from '../../language/text.js';
import { type Gazetteer, gazetteerIndex, type KnownNames, knownNames } from '../../places/gazetteer.js';
import { AddressParser, has, type Lexicon, lexicon } from './address-reader.js';
import { crossingAt } from './crossings.js';
import { type Candidate, capWord, knownPlaceAt, type Mode, placeAt } from './places.js';

export interface AddressOptions {
  /** The municipality's streets, colonies and landmarks: a name alone ("Insurgentes") is then a place. */
  gazetteer?: Gazetteer;
}

/**
 * Every place in the text. Where several are found, a street, corner or kilometre (tier 1) wins
 * over a landmark, office or colony (tier 2), then the earliest, then the longest: "frente a la
 * escuela de la calle Hidalgo 123" is "calle Hidalgo 123", which a crew can find.
 */
function bestPlace(p: AddressParser, mode: Mode, known: KnownNames | undefined): Candidate | undefined {
  let best: Candidate | undefined;
  const consider = (c: Candidate | undefined) => {
    if (!c || c.end <= c.start) return;
    if (!best || c.tier < best.tier || (c.tier === best.tier && (c.start < best.start || (c.start === best.start && c.end > best.end))))
      best = c;
  };
  for (let i = 0; i < p.tokens.length; i++) {
    // Nothing later can beat a street that already starts here or before.
    if (best?.tier === 1 && best.start < i) break;
    const street = p.addressAt(i);
    if (street) consider({ start: street[0], end: street[1], tier: 1 });
    consider(crossingAt(p, i, known));
    if (best?.tier === 1) continue;
    consider(placeAt(p, i, mode));
    if (known) consider(knownPlaceAt(p, i, mode, known));
  }
  return best;
}

function namesOf(p: AddressParser, options: AddressOptions): KnownNames | undefined {
  if (!options.gazetteer) return undefined;
  return knownNames(gazetteerIndex(options.gazetteer, p.lex.typeWords), (k) => p.word(k));
}

function quote(p: AddressParser, span: Candidate): string {
  const first = p.tokens[span.start] as Token;
  const last = p.tokens[span.end - 1] as Token;
  return p.doc.original.slice(first.start, last.end);
}

/**
 * The place inside a free sentence, in the citizen's own spelling, for the first message of a
 * report: a street address ("calle Hidalgo 123, col. Centro", "Av. Universidad 300"), a corner
 * or block ("Hidalgo esq. Morelos", "Madero entre Zaragoza y Guerrero"), a kilometre marker, a
 * landmark with its reference ("frente al kinder Benito Juárez", "a la altura de la gasolinera"),
 * an office ("tesorería", "ventanilla del registro civil") or a colony ("col. Centro", "Zona
 * Norte"). A leading "en la", "sobre", "at the" is left out; "frente a…" is kept. A description
 * without a place ("no hay agua desde ayer", "me atendieron mal") gives `undefined`.
 */
export function extractAddress(text: string, pack: LanguagePack = defaultLanguagePack(), options: AddressOptions = {}): string | undefined {
  const p = new AddressParser(prepare(text), lexicon(pack));
  const best = bestPlace(p, 'extract', namesOf(p, options));
  return best ? quote(p, best) : undefined;
}

function isContentWord(lex: Lexicon, w: string | undefined): boolean {
  return w !== undefined && (/^\d/.test(w) || (w.length >= 3 && !lex.stop.has(w) && !lex.particles.has(w)));
}

/** An answer that is only a capitalized name: "Las Palmas", "San Juan", "Lomas del Valle". */
function isBareName(p: AddressParser): boolean {
  const lex = p.lex;
  const words = p.tokens.filter((t) => t.word);
  if (p.caseless || words.length === 0 || words.length > 6 || p.tokens.length > words.length + 2) return false;
  let named = false;
  for (let i = 0; i < p.tokens.length; i++) {
    const w = p.word(i);
    if (w === undefined) continue;
    if (i === 0 && (has(lex.placeArticles, w) || p.longestPhrase(0, lex.locatives) === 1)) continue;
    if (lex.particles.has(w)) continue;
    if (!capWord(p, i) || lex.notPlaceNames.has(w)) return false;
    // A phone capitalizes the first word by itself ("Mañana"), so only a later capital says "name".
    if (i > 0) named = true;
  }
  return named;
}

/**
 * Whether an answer to "¿dónde es?" reads as a place: everything `extractAddress` finds, and
 * also a bare landmark or office ("el mercado", "la tesorería"), a bare colony ("Las Palmas"),
 * a name and number ("Hidalgo 123") or, with a gazetteer, any known name in any case.
 */
export function looksLikeAddress(text: string, pack: LanguagePack = defaultLanguagePack(), options: AddressOptions = {}): boolean {
  const lex = lexicon(pack);
  const p = new AddressParser(prepare(text), lex);
  const known = namesOf(p, options);
  if (bestPlace(p, 'answer', known)) return true;
  const tokens = p.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const w = p.word(i);
    if (w === undefined) continue;
    if (known?.(i, true)) return true;
    const anchor = p.streetType(i) !== -1 || lex.areaTypes.has(w) || lex.landmarkWords.has(w);
    if (anchor) {
      for (let k = i + 1; k < Math.min(tokens.length, i + 5); k++) if (isContentWord(lex, p.word(k))) return true;
    }
    // "entre Juárez y Morelos", but not "entre semana".
    if (lex.between.has(w) && isContentWord(lex, p.word(i + 1))) {
      for (let k = i + 2; k < Math.min(tokens.length, i + 6); k++) {
        if (has(lex.and, p.word(k)) && isContentWord(lex, p.word(k + 1))) return true;
      }
    }
    if (/^\p{L}{3,}$/u.test(w) && !lex.stop.has(w) && !lex.notStreetBeforeNumber.has(w) && p.houseNumber(i + 1) !== -1) return true;
  }
  return isBareName(p);
}
