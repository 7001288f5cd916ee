import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { collapseRepeats, perPack, plainWord, prepare } from '../../language/text.js';

interface Phrase {
  words: string[];
  yes: boolean;
}

const words = (phrase: string) => phrase.split(' ').map(collapseRepeats);

const lexicon = perPack((pack: LanguagePack) => ({
  phrases: [
    ...pack.yesNo.yes.map((p): Phrase => ({ words: words(p), yes: true })),
    ...pack.yesNo.no.map((p): Phrase => ({ words: words(p), yes: false })),
  ].sort((a, b) => b.words.length - a.words.length),
  unsure: pack.yesNo.unsure.map(words),
  negators: new Set(pack.yesNo.negators),
  bridge: new Set(pack.yesNo.negationBridge),
}));

const YES_EMOJI = ['\u{1F44D}', '\u{1F44C}', '\u2705', '\u2714', '\u2611'];
const NO_EMOJI = ['\u{1F44E}', '\u274C', '\u2716', '\u{1F6AB}'];

interface ClauseWord {
  word: string;
  /** Punctuation separates it from the previous word. */
  broken: boolean;
}

function clauseWords(text: string): ClauseWord[] {
  const out: ClauseWord[] = [];
  let broken = false;
  for (const t of prepare(text).tokens) {
    if (!t.word) {
      broken = true;
      continue;
    }
    out.push({ word: plainWord(t.folded), broken });
    broken = false;
  }
  return out;
}

function phraseAt(words: ClauseWord[], i: number, phrase: readonly string[]): boolean {
  if (i + phrase.length > words.length) return false;
  for (let j = 0; j < phrase.length; j++) {
    const w = words[i + j] as ClauseWord;
    if (w.word !== phrase[j] || (j > 0 && w.broken)) return false;
  }
  return true;
}

function negated(words: ClauseWord[], i: number, negators: Set<string>, bridge: Set<string>): boolean {
  const here = words[i];
  const prev = words[i - 1];
  if (!here || !prev || here.broken) return false;
  if (negators.has(prev.word)) return true;
  const prev2 = words[i - 2];
  return !!prev2 && !prev.broken && negators.has(prev2.word) && bridge.has(prev.word);
}

/**
 * `true` for an affirmative answer, `false` for a negative one, `undefined` when the reply is
 * neither, says both ("sí… no"), or hedges ("no sé", "tal vez"). "No es correcto" is a no.
 */
export function parseYesNo(text: string, pack: LanguagePack = defaultLanguagePack()): boolean | undefined {
  const { phrases, unsure, negators, bridge } = lexicon(pack);
  const words = clauseWords(text);
  let yes = YES_EMOJI.some((e) => text.includes(e)) ? 1 : 0;
  let no = NO_EMOJI.some((e) => text.includes(e)) ? 1 : 0;
  let i = 0;
  while (i < words.length) {
    if (unsure.some((p) => phraseAt(words, i, p))) return undefined;
    const hit = phrases.find((p) => phraseAt(words, i, p.words));
    if (!hit) {
      i++;
      continue;
    }
    if (hit.yes && !negated(words, i, negators, bridge)) yes++;
    else no++;
    i += hit.words.length;
  }
  if (yes > 0 && no === 0) return true;
  if (no > 0 && yes === 0) return false;
  return undefined;
}
