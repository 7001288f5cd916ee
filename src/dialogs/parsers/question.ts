import type { Classification } from '../../understanding/classification.js';
import { normalizeText } from '../../language/normalize-text.js';
import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { perPack } from '../../language/text.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "¿qué necesito para…?", "a qué hora abren": a question even when the citizen types no "?". */
const questionOpening = perPack((pack: LanguagePack) => {
  const openings = pack.question.openings.map((o) => escapeRegExp(normalizeText(o))).filter(Boolean);
  return new RegExp(`^(${openings.join('|') || '(?!)'})( |$)`);
});

export function looksLikeQuestion(text: string, pack: LanguagePack = defaultLanguagePack()): boolean {
  return /[?¿]/.test(text) || questionOpening(pack).test(normalizeText(text));
}

/** Whether the catalogue should try to answer: an information request, or a question that is not a complaint. */
export function asksForInformation(text: string, c: Classification, pack: LanguagePack = defaultLanguagePack()): boolean {
  return c.type === 'solicitud_informacion' || (looksLikeQuestion(text, pack) && c.type !== 'queja');
}
