import { containsSequence, wordsOf } from './text.js';

/**
 * Whether the text contains any of the phrases, compared as whole words on folded text
 * ("hola" does not fire on "Holanda", "cancelar" not on "cancelaron"). A phrase ending in "*"
 * matches its last word as a prefix ("cancel*"). Phrases without letters (emoji) match as is.
 */
export function matchesAny(text: string, patterns: readonly string[]): boolean {
  const words = wordsOf(text);
  for (const pattern of patterns) {
    const trimmed = pattern.trim();
    const prefix = trimmed.endsWith('*');
    const body = prefix ? trimmed.slice(0, -1) : trimmed;
    const seq = wordsOf(body);
    if (seq.length === 0) {
      if (body !== '' && text.includes(body)) return true;
      continue;
    }
    if (containsSequence(words, seq, prefix)) return true;
  }
  return false;
}
