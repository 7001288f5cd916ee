import type { CaseType } from '../../cases/case-type.js';
import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { collapseRepeats, perPack, wordsOf } from '../../language/text.js';

export interface Opener {
  /** The type the citizen named ("tengo una queja" → queja), if they named one. */
  type: CaseType | undefined;
}

const openerWords = perPack((pack: LanguagePack) => {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  // Compared as wordsOf gives them: stretched letters collapsed ("hello" → "helo").
  for (const w of pack.opener.words) {
    if (w.endsWith('*')) prefixes.push(collapseRepeats(w.slice(0, -1)));
    else exact.add(collapseRepeats(w));
  }
  const types = new Map<string, CaseType>();
  for (const [type, words] of Object.entries(pack.opener.types) as Array<[CaseType, string[]]>)
    for (const w of words) types.set(collapseRepeats(w), type);
  return { exact, prefixes, types };
});

/**
 * A message that says only that the citizen wants to write ("tengo una queja", "hola, quería
 * hacer un reporte", "jajaja") and nothing about what happened: the dialog asks what happened
 * instead of taking it as the description. Returns undefined when the text carries a matter.
 */
export function readOpener(text: string, pack: LanguagePack = defaultLanguagePack()): Opener | undefined {
  const { exact, prefixes, types } = openerWords(pack);
  let type: CaseType | undefined;
  const words = wordsOf(text);
  if (words.length === 0) return undefined;
  for (const word of words) {
    const named = types.get(word);
    if (named) {
      type ??= named;
      continue;
    }
    if (exact.has(word) || prefixes.some((p) => word.startsWith(p))) continue;
    return undefined;
  }
  return { type };
}
