import { foldText } from '../../language/normalize-text.js';
import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { findEmail } from './email.js';
import { findPhone } from './phone.js';
import { isCapitalized, perPack, prepare, type Doc, type Token } from '../../language/text.js';

const lexicon = perPack((pack: LanguagePack) => {
  const n = pack.name;
  return {
    intros: n.intros
      .map((i) => ({ words: i.phrase.split(' '), anywhere: i.anywhere, strict: i.strict }))
      .sort((a, b) => b.words.length - a.words.length),
    clauseOpeners: new Set(n.clauseOpeners),
    titles: new Set(n.titles),
    titlesNeedDot: new Set(n.titlesNeedDot),
    articles: new Set(n.articles),
    particles: new Set(n.particles),
    joiners: new Set(n.joiners),
    notName: new Set(n.notName),
    afterName: new Set(n.afterName),
    greetings: new Set(n.greetings),
  };
});

type Lexicon = ReturnType<typeof lexicon>;

interface NameWord {
  text: string;
  folded: string;
  end: number;
}

function readNameWord(tokens: Token[], i: number): NameWord | undefined {
  const t = tokens[i];
  if (!t?.word || !/^[\p{L}\p{M}]+$/u.test(t.text)) return undefined;
  let text = t.text;
  let folded = t.folded;
  let end = i + 1;
  // Hyphenated and apostrophe names ("Ruiz-Tagle", "O'Higgins") are one word.
  while (end + 1 < tokens.length) {
    const sep = tokens[end] as Token;
    const next = tokens[end + 1] as Token;
    const prev = tokens[end - 1] as Token;
    if (sep.word || !['-', "'", '\u2019'].includes(sep.text) || sep.start !== prev.end || next.start !== sep.end) break;
    if (!next.word || !/^[\p{L}\p{M}]+$/u.test(next.text)) break;
    text += sep.text + next.text;
    folded += sep.text + next.folded;
    end += 2;
  }
  // An initial: "Juan P."
  const dot = tokens[end];
  if (text.length === 1 && dot && !dot.word && dot.text === '.' && dot.start === (tokens[end - 1] as Token).end) {
    text += '.';
    end++;
  }
  return { text, folded, end };
}

function titleCase(word: string, first: boolean, lex: Lexicon): string {
  const lower = word.toLowerCase();
  if (word !== lower && word !== word.toUpperCase()) return word;
  if (!first && lex.particles.has(foldText(lower))) return lower;
  return lower.replace(/(^|[-'\u2019])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * Reads a name starting at token `i`. With `strictCase`, a lowercase first word in a text that
 * uses capitals is not a name ("soy nueva aquí"); in any mode a name that starts capitalized
 * ends at the first lowercase word.
 */
function readName(
  doc: Doc,
  i: number,
  strictCase: boolean,
  wholeAnswer: boolean,
  lex: Lexicon,
): { words: string[]; end: number } | undefined {
  const tokens = doc.tokens;
  let j = i;
  while (tokens[j] && !tokens[j]?.word && [':', ',', '-'].includes((tokens[j] as Token).text)) j++;
  // "el señor Juan", "Lic. Ana", "C. Juan Pérez"
  const article = tokens[j]?.folded;
  const titleAt = article !== undefined && lex.articles.has(article) ? j + 1 : j;
  const title = tokens[titleAt];
  let nickname: string | undefined;
  if (title?.word && lex.titles.has(title.folded)) {
    const dotted = tokens[titleAt + 1]?.text === '.' && tokens[titleAt + 1]?.start === title.end;
    if (!lex.titlesNeedDot.has(title.folded) || dotted) j = dotted ? titleAt + 2 : titleAt + 1;
  } else if (titleAt === j + 1 && startsNickname(doc, j + 1, wholeAnswer, lex)) {
    // "El Chuy Montoya", "La Güera Pérez": the article is part of how the citizen is known.
    nickname = (tokens[j] as Token).text;
    j++;
  }

  const words: string[] = [];
  let pending: string[] = [];
  let end = -1;
  let firstCap: boolean | undefined;
  let nameWords = 0;
  while (nameWords < 5) {
    const w = readNameWord(tokens, j);
    if (!w) break;
    const cap = isCapitalized(w.text);
    const joiner = lex.joiners.has(w.folded);
    if (lex.particles.has(w.folded) && !(words.length === 0 && cap && !doc.caseless && !joiner)) {
      if (words.length === 0 || pending.length >= 3) break;
      // "Ortega y Gasset" joins surnames only between capitals; "Juan y quiero…" ends the name.
      if (joiner && (doc.caseless || !isCapitalized(tokens[w.end]?.text ?? ''))) break;
      pending.push(w.text);
      j = w.end;
      continue;
    }
    if (lex.notName.has(w.folded)) break;
    if (words.length === 0) {
      if (strictCase && !doc.caseless && !cap) return undefined;
      // An initial ("J. Pérez") only before a name; alone, "J" is no one.
      const spaced = (tokens[w.end]?.start ?? 0) > (tokens[w.end - 1] as Token).end;
      if (w.text.replace(/\.$/, '').length < 2 && !(w.text.endsWith('.') && spaced && isNameWord(tokens, w.end, lex))) return undefined;
      firstCap = cap;
    } else if (!wholeAnswer && !doc.caseless && firstCap && !cap) break;
    words.push(...pending, w.text);
    pending = [];
    nameWords++;
    j = w.end;
    end = j;
  }
  // "La" alone is an article, however capitalized.
  if (words.every((w) => lex.particles.has(foldText(w.toLowerCase())))) return undefined;
  if (nickname) words.unshift(nickname);
  return { words: words.map((w, k) => titleCase(w, k === 0, lex)), end };
}

/** A word at `i` that can be part of a name: not "no", "de" or "calle". */
function isNameWord(tokens: Token[], i: number, lex: Lexicon): boolean {
  const w = readNameWord(tokens, i);
  return !!w && w.text.length >= 2 && !lex.notName.has(w.folded) && !lex.particles.has(w.folded) && !lex.titles.has(w.folded);
}

/** Whether the word at `i`, after an article, makes the article a nickname's: "El Chuy", "la güera pérez". */
function startsNickname(doc: Doc, i: number, wholeAnswer: boolean, lex: Lexicon): boolean {
  if (!isNameWord(doc.tokens, i, lex)) return false;
  if (!doc.caseless) return isCapitalized((doc.tokens[i] as Token).text);
  // Without capitals "la foto" reads like "la güera": only a surname after it ("el chuy montoya") says nickname.
  const next = readNameWord(doc.tokens, i);
  return wholeAnswer && !!next && isNameWord(doc.tokens, next.end, lex);
}

function withoutContacts(text: string, pack: LanguagePack): string {
  let out = text.normalize('NFC');
  for (let n = 0; n < 6; n++) {
    const hit = findEmail(out) ?? findPhone(out, { pack });
    if (!hit) break;
    out = `${out.slice(0, hit.start)} , ${out.slice(hit.end)}`;
  }
  return out;
}

export interface ExtractNameOptions {
  /** The bot just asked for the name, so a bare answer of 1–5 words ("Juan Pérez") is one. */
  wholeAnswer?: boolean;
}

/**
 * The citizen's name from "me llamo…", "soy…", "mi nombre es…", "atentamente, …" (or the pack's
 * own cues, "my name is…"), or, with `wholeAnswer`, the whole reply. Lowercase or ALL-CAPS words
 * are title-cased (particles such as "de los" stay lowercase); a trailing phone or e-mail is dropped.
 */
export function extractName(
  text: string,
  options: ExtractNameOptions = {},
  pack: LanguagePack = defaultLanguagePack(),
): string | undefined {
  const lex = lexicon(pack);
  const doc = prepare(withoutContacts(text, pack));
  const tokens = doc.tokens;
  const folded = tokens.map((t) => (t.word ? t.folded : ''));
  for (let i = 0; i < tokens.length; i++) {
    const prev = folded[i - 1];
    const opensClause = !prev || lex.greetings.has(prev) || lex.clauseOpeners.has(prev);
    const intro = lex.intros.find((p) => (p.anywhere || opensClause) && p.words.every((w, k) => folded[i + k] === w));
    if (!intro) continue;
    const name = readName(doc, i + intro.words.length, intro.strict, false, lex);
    if (name) return name.words.join(' ');
  }
  if (!options.wholeAnswer) return undefined;

  let start = 0;
  while (start < tokens.length && (!tokens[start]?.word || lex.greetings.has(folded[start] as string))) start++;
  const name = readName(doc, start, false, true, lex);
  if (!name) return undefined;
  for (let k = name.end; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.word && !lex.afterName.has(t.folded)) return undefined;
  }
  return name.words.join(' ');
}
