import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { matchesAny } from '../../language/match.js';

/** "no tengo teléfono", "prefiero no dar mi número": an answer to the contact question, not a failure. */
export function declinesContact(text: string, pack: LanguagePack = defaultLanguagePack()): boolean {
  return matchesAny(text, pack.contact.declines);
}

/** "este mismo número", "al que te escribo": the number the citizen is writing from. */
export function sameNumber(text: string, pack: LanguagePack = defaultLanguagePack()): boolean {
  return matchesAny(text, pack.contact.sameNumber);
}
