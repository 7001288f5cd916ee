import type { DialogScript } from '../script-schema.js';
import { matchesAny } from '../../language/match.js';

export { matchesAny } from '../../language/match.js';

/** A short "gracias" and nothing else. */
export function isOnlyThanks(script: DialogScript, text: string): boolean {
  return matchesAny(text, script.intents.thanks) && text.trim().split(/\s+/).length <= 6;
}
