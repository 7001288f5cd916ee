import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { matchesAny } from '../../language/match.js';

/**
 * "hay un incendio en la casa de al lado", "huele a gas", "no respira": danger to someone now.
 * The dialog answers these with the emergency number before anything else, so a false alarm
 * costs one extra line and a miss can cost much more; the cues lean towards answering.
 */
export function isEmergency(text: string, pack: LanguagePack = defaultLanguagePack()): boolean {
  return matchesAny(text, pack.emergency.cues) && !matchesAny(text, pack.emergency.notEmergency);
}
