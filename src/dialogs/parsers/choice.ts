import { distance } from 'fastest-levenshtein';
import type { PromptOption } from '../../messages/outbound.js';
import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { collapseRepeats, containsSequence, perPack, wordsOf } from '../../language/text.js';

const lexicon = perPack((pack: LanguagePack) => {
  const ordinals = new Map<string, number>();
  pack.choice.ordinals.forEach((words, i) => {
    for (const w of words) ordinals.set(collapseRepeats(w), i + 1);
  });
  const suffixes = [...pack.choice.ordinalSuffixes].sort((a, b) => b.length - a.length).map((s) => s.replace(/[^a-z]/g, ''));
  return {
    filler: new Set(pack.choice.ordinalFiller),
    ordinals,
    last: new Set(pack.choice.last),
    digits: new RegExp(`^(\\d{1,2})(?:${suffixes.filter(Boolean).join('|') || '(?!)'})?$`),
    labelStopwords: new Set(pack.choice.labelStopwords),
    functionWords: new Set(pack.choice.functionWords),
  };
});

type Lexicon = ReturnType<typeof lexicon>;

/** 1-based position named by the reply ("2", "opción 2", "la segunda", "2da"), -1 for "la última". */
function ordinalOf(words: string[], lex: Lexicon): number | undefined {
  const rest = words.filter((w) => !lex.filler.has(w));
  if (rest.length !== 1) return undefined;
  const w = rest[0] as string;
  const digits = lex.digits.exec(w);
  if (digits) return Number(digits[1]);
  if (lex.last.has(w)) return -1;
  return lex.ordinals.get(w);
}

/** Levenshtein distance, or max + 1 when the lengths alone rule out `max`. */
function editDistance(a: string, b: string, max: number): number {
  return Math.abs(a.length - b.length) > max ? max + 1 : distance(a, b);
}

function onlyOne(ids: string[]): string | undefined {
  const distinct = [...new Set(ids)];
  return distinct.length === 1 ? distinct[0] : undefined;
}

/** Replies longer than this are sentences, where typo tolerance would find a label in anything. */
const FUZZY_MAX_WORDS = 5;

/**
 * The id of the option the citizen picked, or `undefined` when nothing or more than one option
 * fits. Tried in order, the first step that finds anything decides: the button id the channel
 * reported; the reply equal to an id or a label; an ordinal ("2", "opción 2", "la segunda");
 * a label inside the reply; the reply inside one label (3+ characters); a typo in a label word.
 */
export function parseChoice(
  text: string,
  options: readonly PromptOption[],
  choiceId?: string,
  pack: LanguagePack = defaultLanguagePack(),
): string | undefined {
  if (choiceId !== undefined) {
    const hit = options.find((o) => o.id === choiceId);
    if (hit) return hit.id;
  }
  const lex = lexicon(pack);
  const words = wordsOf(text);
  if (words.length === 0 || options.length === 0) return undefined;
  const joined = words.join(' ');
  const labels = options.map((o) => {
    const lw = wordsOf(o.label);
    return { id: o.id, words: lw, joined: lw.join(' ') };
  });

  const exact = options.filter((o) => wordsOf(o.id).join(' ') === joined).map((o) => o.id);
  if (exact.length > 0) return onlyOne(exact);
  const sameLabel = labels.filter((l) => l.joined === joined).map((l) => l.id);
  if (sameLabel.length > 0) return onlyOne(sameLabel);

  const ordinal = ordinalOf(words, lex);
  if (ordinal !== undefined) {
    const index = ordinal === -1 ? options.length - 1 : ordinal - 1;
    const picked = options[index];
    if (picked) return picked.id;
  }

  const inside = labels.filter((l) => containsSequence(words, l.words));
  if (inside.length > 0) {
    // "queja anónima" contains both "Queja" and "Queja anónima": the longer label wins when it covers the others.
    const longest = inside.reduce((a, b) => (b.words.length > a.words.length ? b : a));
    return inside.every((l) => l === longest || containsSequence(longest.words, l.words)) ? longest.id : undefined;
  }

  if (joined.length >= 3 && !words.every((w) => lex.functionWords.has(w))) {
    const atWordStart = labels.filter((l) => ` ${l.joined}`.includes(` ${joined}`)).map((l) => l.id);
    if (atWordStart.length > 0) return onlyOne(atWordStart);
    const anywhere = labels.filter((l) => l.joined.includes(joined)).map((l) => l.id);
    if (anywhere.length > 0) return onlyOne(anywhere);
  }

  if (words.length > FUZZY_MAX_WORDS) return undefined;
  const replyWords = words.filter((w) => w.length >= 3 && !lex.labelStopwords.has(w));
  let best = Infinity;
  let bestIds: string[] = [];
  for (const l of labels) {
    for (const lw of l.words) {
      if (lw.length < 3 || lex.labelStopwords.has(lw)) continue;
      const max = lw.length <= 6 ? 1 : 2;
      for (const rw of replyWords) {
        const d = editDistance(rw, lw, max);
        if (d > max) continue;
        if (d < best) {
          best = d;
          bestIds = [l.id];
        } else if (d === best) bestIds.push(l.id);
      }
    }
  }
  return onlyOne(bestIds);
}
