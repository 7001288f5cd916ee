import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { perPack, wordsOf } from '../../language/text.js';
import { findEmail } from './email.js';
import { findPhone } from './phone.js';

/**
 * Replies to "¿a qué número o correo te contactamos?" that carry no number: the citizen has none
 * to give ("no tengo teléfono") or means the one they write from ("a este mismo"). Both read the
 * answer alone and say nothing once it holds a phone or an e-mail, which the caller takes first.
 */

const lexicon = perPack((pack: LanguagePack) => {
  const c = pack.contact;
  // Pack words go through the same folding as the text, stretched letters included ("correo" and "coreo" meet).
  const phrases = (list: readonly string[]) =>
    list
      .map((p) => wordsOf(p))
      .filter((w) => w.length > 0)
      .sort((a, b) => b.length - a.length);
  const set = (list: readonly string[]) => new Set(list.flatMap((w) => wordsOf(w)));
  return {
    openers: phrases(c.declineOpeners),
    filler: set(c.declineFiller),
    contactWords: set(c.contactWords),
    declineAlone: phrases(c.declineAlone),
    same: phrases(c.sameNumber),
    sameAlone: phrases(c.sameNumberAlone),
    courtesy: set(c.courtesy),
    negators: set(pack.yesNo.negators),
  };
});

type Lexicon = ReturnType<typeof lexicon>;

/** At most this many words between "no tengo" and "teléfono": "no tengo ni un teléfono". */
const MAX_FILLER = 3;

const startsWith = (words: readonly string[], at: number, phrase: readonly string[]) => phrase.every((w, k) => words[at + k] === w);

/** The answer without "sí", "por favor", "gracias" around it. */
function core(words: string[], lex: Lexicon): string[] {
  let start = 0;
  let end = words.length;
  while (start < end && lex.courtesy.has(words[start] as string)) start++;
  while (end > start && lex.courtesy.has(words[end - 1] as string)) end--;
  return words.slice(start, end);
}

const isWhole = (words: readonly string[], phrases: readonly (readonly string[])[]) =>
  phrases.some((p) => p.length === words.length && startsWith(words, 0, p));

function carriesContact(text: string, pack: LanguagePack): boolean {
  return findEmail(text) !== undefined || findPhone(text, { pack }) !== undefined;
}

/**
 * Whether the citizen says they have no phone or e-mail to give: "no tengo teléfono", "no tengo
 * ni teléfono ni correo", "prefiero no dar mi número", "I don't have a phone", or just "no tengo".
 */
export function declinesContact(text: string, pack: LanguagePack = defaultLanguagePack()): boolean {
  if (carriesContact(text, pack)) return false;
  const lex = lexicon(pack);
  const words = wordsOf(text);
  if (isWhole(core(words, lex), lex.declineAlone)) return true;
  for (let i = 0; i < words.length; i++) {
    for (const opener of lex.openers) {
      if (!startsWith(words, i, opener)) continue;
      let k = i + opener.length;
      for (let n = 0; n < MAX_FILLER && lex.filler.has(words[k] as string); n++) k++;
      if (lex.contactWords.has(words[k] as string)) return true;
    }
  }
  return false;
}

/**
 * Whether the citizen means the number they are writing from: "este mismo número", "a este
 * número", "al que te escribo", "this number", or a bare "este" / "el mismo" / "this one".
 * "No, a este no" and "no es este número" are not.
 */
export function sameNumber(text: string, pack: LanguagePack = defaultLanguagePack()): boolean {
  if (carriesContact(text, pack)) return false;
  const lex = lexicon(pack);
  const words = wordsOf(text);
  const answer = core(words, lex);
  if (isWhole(answer, lex.sameAlone) || isWhole(answer, lex.same)) return true;
  for (let i = 0; i < words.length; i++) {
    const phrase = lex.same.find((p) => startsWith(words, i, p));
    if (!phrase) continue;
    const before = words.slice(0, i);
    const after = words[i + phrase.length];
    return !before.some((w) => lex.negators.has(w)) && !(after !== undefined && lex.negators.has(after));
  }
  return false;
}
