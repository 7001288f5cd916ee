/**
 * Pure parsers for what citizens type back to the bot: yes/no, a choice among options, and the
 * contact and location details hidden in a free sentence. No I/O and no shared state; every
 * scan is linear or bounded so a 4,000-character message cannot stall the dialog engine.
 */

import type { PromptOption } from '../messages/outbound.js';

// ---------------------------------------------------------------------------------------------
// Folding and tokens

function foldChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 128) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch;
  const lower = ch.toLowerCase();
  const base = lower.normalize('NFD')[0] ?? lower;
  // Keep one output unit per input unit so indexes into the folded text are indexes into the original.
  return lower.length === 1 && base.length === 1 ? base : ch;
}

/** Lowercases and strips accents without changing the length of the (NFC) text. */
function foldText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += foldChar(text[i] as string);
  return out;
}

/** Citizens stretch words ("siii", "holaaa", "nooo"); both sides of a comparison get this. */
function collapseRepeats(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

interface Token {
  text: string;
  folded: string;
  start: number;
  end: number;
  word: boolean;
}

interface Doc {
  original: string;
  tokens: Token[];
  /** All lowercase or ALL CAPS: capitals carry no information about names. */
  caseless: boolean;
}

const TOKEN_RE = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

function prepare(text: string): Doc {
  const original = text.normalize('NFC');
  const folded = foldText(original);
  const tokens: Token[] = [];
  for (const m of original.matchAll(TOKEN_RE)) {
    const start = m.index;
    const end = start + m[0].length;
    tokens.push({ text: m[0], folded: folded.slice(start, end), start, end, word: /^[\p{L}\p{M}\p{N}]/u.test(m[0]) });
  }
  return { original, tokens, caseless: original === original.toLowerCase() || original === original.toUpperCase() };
}

/** Folded, collapsed words; punctuation and emoji dropped. */
function wordsOf(text: string): string[] {
  return prepare(text)
    .tokens.filter((t) => t.word)
    .map((t) => plainWord(t.folded))
    .filter((w) => w !== '');
}

/** Drops marks left after folding (emoji variation selectors, the keycap in "2️⃣") and stretched letters. */
function plainWord(folded: string): string {
  return collapseRepeats(folded.replace(/\p{M}/gu, ''));
}

function isCapitalized(word: string): boolean {
  return /^\p{Lu}/u.test(word);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isLetterOrDigit(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

/** Whether `seq` occurs in `words` as consecutive whole words; with `prefix`, its last word may be a word's start. */
function containsSequence(words: readonly string[], seq: readonly string[], prefix = false): boolean {
  if (seq.length === 0) return false;
  const last = seq.length - 1;
  for (let i = 0; i + seq.length <= words.length; i++) {
    let ok = true;
    for (let j = 0; j < seq.length && ok; j++) {
      const w = words[i + j] as string;
      const s = seq[j] as string;
      ok = j === last && prefix ? w.startsWith(s) : w === s;
    }
    if (ok) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Yes / no

interface Phrase {
  words: string[];
  yes: boolean;
}

function phrases(list: string[], yes: boolean): Phrase[] {
  return list.map((p) => ({ words: p.split(' ').map(collapseRepeats), yes }));
}

const YES_NO_PHRASES: Phrase[] = [
  ...phrases(
    [
      'si', 'sip', 'sii', 'claro', 'claro que si', 'correcto', 'ok', 'okay', 'okey', 'oki', 'dale', 'va', 'vale',
      'andale', 'aja', 'de acuerdo', 'deacuerdo', 'afirmativo', 'simon', 'asi es', 'eso es', 'esta bien', 'todo bien',
      'confirmo', 'confirmado', 'exacto', 'perfecto', 'por supuesto', 'no hay problema', 'sin problema', 'yes',
      // English, for the English script and for citizens who answer in English anyway.
      'yeah', 'yep', 'yup', 'sure', 'that is correct', 'thats correct', 'that is right', 'thats right', 'right',
    ],
    true,
  ),
  ...phrases(
    [
      'no', 'nop', 'nope', 'nel', 'negativo', 'incorrecto', 'corregir', 'cambiar', 'claro que no',
      'por supuesto que no', 'para nada', 'esta mal', 'equivocado', 'equivocada',
      'not correct', 'that is wrong', 'thats wrong', 'wrong', 'fix it',
    ],
    false,
  ),
].sort((a, b) => b.words.length - a.words.length);

const UNSURE_PHRASES: string[][] = [
  'no se', 'no lo se', 'no estoy seguro', 'no estoy segura', 'tal vez', 'quizas', 'quiza', 'a lo mejor',
  'puede ser', 'mas o menos', 'no recuerdo', 'no me acuerdo', 'no sabria',
].map((p) => p.split(' ').map(collapseRepeats));

/** Words that may sit between "no" and an affirmative it negates: "no es correcto", "no estoy de acuerdo". */
const NEGATION_BRIDGE = new Set(['es', 'esta', 'estoy', 'estan', 'son', 'fue', 'era', 'me', 'lo', 'parece']);

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

function negated(words: ClauseWord[], i: number): boolean {
  const here = words[i];
  const prev = words[i - 1];
  if (!here || !prev || here.broken) return false;
  if (prev.word === 'no') return true;
  const prev2 = words[i - 2];
  return !!prev2 && !prev.broken && prev2.word === 'no' && NEGATION_BRIDGE.has(prev.word);
}

/**
 * `true` for an affirmative answer, `false` for a negative one, `undefined` when the reply is
 * neither, says both ("sí… no"), or hedges ("no sé", "tal vez"). "No es correcto" is a no.
 */
export function parseYesNo(text: string): boolean | undefined {
  const words = clauseWords(text);
  let yes = YES_EMOJI.some((e) => text.includes(e)) ? 1 : 0;
  let no = NO_EMOJI.some((e) => text.includes(e)) ? 1 : 0;
  let i = 0;
  while (i < words.length) {
    if (UNSURE_PHRASES.some((p) => phraseAt(words, i, p))) return undefined;
    const hit = YES_NO_PHRASES.find((p) => phraseAt(words, i, p.words));
    if (!hit) {
      i++;
      continue;
    }
    if (hit.yes && !negated(words, i)) yes++;
    else no++;
    i += hit.words.length;
  }
  if (yes > 0 && no === 0) return true;
  if (no > 0 && yes === 0) return false;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Choices

const ORDINAL_FILLER = new Set([
  'la', 'el', 'lo', 'opcion', 'op', 'opc', 'numero', 'num', 'nro', 'n', 'quiero', 'elijo', 'escojo', 'selecciono',
  'es', 'seria', 'por', 'favor', 'porfa', 'xfa', 'plis', 'gracias',
]);

const ORDINAL_WORDS = new Map<string, number>();
for (const [n, words] of [
  [1, 'uno una primera primero primer'],
  [2, 'dos segunda segundo'],
  [3, 'tres tercera tercero tercer'],
  [4, 'cuatro cuarta cuarto'],
  [5, 'cinco quinta quinto'],
  [6, 'seis sexta sexto'],
  [7, 'siete septima septimo'],
  [8, 'ocho octava octavo'],
  [9, 'nueve novena noveno'],
  [10, 'diez decima decimo'],
] as const) {
  for (const w of words.split(' ')) ORDINAL_WORDS.set(collapseRepeats(w), n);
}

/** 1-based position named by the reply ("2", "opción 2", "la segunda", "2da"), -1 for "la última". */
function ordinalOf(words: string[]): number | undefined {
  const rest = words.filter((w) => !ORDINAL_FILLER.has(w));
  if (rest.length !== 1) return undefined;
  const w = rest[0] as string;
  const digits = /^(\d{1,2})(?:ra|ro|da|do|er|era|ta|to|va|vo|na|no|a|o)?$/.exec(w);
  if (digits) return Number(digits[1]);
  if (w === 'ultima' || w === 'ultimo') return -1;
  return ORDINAL_WORDS.get(w);
}

const LABEL_STOPWORDS = new Set(['de', 'del', 'la', 'las', 'el', 'los', 'y', 'o', 'en', 'a', 'al', 'por', 'para', 'con', 'un', 'una', 'mi', 'su']);

/** Optimal-string-alignment distance, giving up (returning max + 1) once it exceeds `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] as number;
}

function onlyOne(ids: string[]): string | undefined {
  const distinct = [...new Set(ids)];
  return distinct.length === 1 ? distinct[0] : undefined;
}

/** Too common to pick an option by being part of its label ("que" in "Queja"). */
const FUNCTION_WORDS = new Set(['que', 'los', 'las', 'del', 'por', 'para', 'con', 'una', 'uno', 'como', 'cual', 'mas', 'pero', 'sin', 'muy']);

/** Replies longer than this are sentences, where typo tolerance would find a label in anything. */
const FUZZY_MAX_WORDS = 5;

/**
 * The id of the option the citizen picked, or `undefined` when nothing or more than one option
 * fits. Tried in order, the first step that finds anything decides: the button id the channel
 * reported; the reply equal to an id or a label; an ordinal ("2", "opción 2", "la segunda");
 * a label inside the reply; the reply inside one label (3+ characters); a typo in a label word.
 */
export function parseChoice(text: string, options: readonly PromptOption[], choiceId?: string): string | undefined {
  if (choiceId !== undefined) {
    const hit = options.find((o) => o.id === choiceId);
    if (hit) return hit.id;
  }
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

  const ordinal = ordinalOf(words);
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

  if (joined.length >= 3 && !words.every((w) => FUNCTION_WORDS.has(w))) {
    const atWordStart = labels.filter((l) => ` ${l.joined}`.includes(` ${joined}`)).map((l) => l.id);
    if (atWordStart.length > 0) return onlyOne(atWordStart);
    const anywhere = labels.filter((l) => l.joined.includes(joined)).map((l) => l.id);
    if (anywhere.length > 0) return onlyOne(anywhere);
  }

  if (words.length > FUZZY_MAX_WORDS) return undefined;
  const replyWords = words.filter((w) => w.length >= 3 && !LABEL_STOPWORDS.has(w));
  let best = Infinity;
  let bestIds: string[] = [];
  for (const l of labels) {
    for (const lw of l.words) {
      if (lw.length < 3 || LABEL_STOPWORDS.has(lw)) continue;
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

// ---------------------------------------------------------------------------------------------
// Phone, e-mail, folio

interface Found {
  value: string;
  start: number;
  end: number;
}

const FOLIO_SEP = '[\\s._/#-]{0,3}';

function folioPattern(prefix: string): RegExp {
  const p = foldText(prefix.normalize('NFC')).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${p}${FOLIO_SEP}(20\\d{2})[\\s._/-]{0,3}(\\d{1,6})(?!\\d)`, 'gu');
}

/** A citizen who remembers the number but not the prefix usually says so: "folio 2026-000123". */
const BARE_FOLIO = /(?<![\p{L}\p{N}])folio\s{0,3}(?:(?:n[o°º]|num|numero)\.?\s{0,3}|[#:]\s{0,3})?(20\d{2})[\s._/-]{0,3}(\d{1,6})(?!\d)/gu;

function findFolios(folded: string, prefix: string): { year: string; seq: string; start: number; end: number }[] {
  const out: { year: string; seq: string; start: number; end: number }[] = [];
  for (const re of [folioPattern(prefix), BARE_FOLIO]) {
    for (const m of folded.matchAll(re)) {
      const seq = m[2] as string;
      if (Number(seq) === 0) continue;
      out.push({ year: m[1] as string, seq, start: m.index, end: m.index + m[0].length });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * A folio such as "AC-2026-000123", also written "ac 2026 123", "AC-2026-123", "ac2026000123"
 * or "folio 2026-123"; returned as PREFIX-YYYY-NNNNNN.
 */
export function extractFolio(text: string, prefix = 'AC'): string | undefined {
  if (prefix.trim() === '') return undefined;
  const hit = findFolios(foldText(text.normalize('NFC')), prefix.trim())[0];
  return hit ? `${prefix.trim().toUpperCase()}-${hit.year}-${hit.seq.padStart(6, '0')}` : undefined;
}

const PHONE_SEPARATORS = new Set([' ', '-', '.', '(', ')', '\u00a0']);

/** A number right after one of these words is an identifier, not a phone. */
const NOT_PHONE_CONTEXT = new Set([
  'folio', 'expediente', 'ticket', 'caso', 'reporte', 'cuenta', 'clabe', 'tarjeta', 'contrato', 'medidor', 'predio',
  'clave', 'catastral', 'referencia', 'guia', 'rfc', 'curp', 'cp', 'postal', 'factura', 'recibo', 'servicio', 'ine',
]);

function wordBefore(folded: string, index: number): string {
  let i = index;
  while (i > 0 && index - i < 8 && /[\s:#.°º-]/.test(folded[i - 1] as string)) i--;
  const end = i;
  while (i > 0 && end - i < 20 && /\p{L}/u.test(folded[i - 1] as string)) i--;
  return folded.slice(i, end);
}

function isRejectedPhone(raw: string, groups: string[]): boolean {
  if (/^\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})$/.test(raw) || /^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/.test(raw)) return true;
  if (/^\d{1,3}\.\d+$/.test(raw) || /^\d{1,3}(?:\.\d{3})+$/.test(raw)) return true;
  return groups.every((g) => /^(?:19|20)\d\d$/.test(g));
}

function findPhone(text: string): Found | undefined {
  const folded = foldText(text);
  const folios = findFolios(folded, 'AC');
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i] as string;
    const start = i;
    let j = i;
    const plus = c === '+';
    if (plus) {
      j++;
      if (text[j] === ' ') j++;
    } else if (c === '(') j++;
    if (!isDigit(text[j])) {
      i++;
      continue;
    }
    const groups: string[] = [];
    const groupEnds: number[] = [];
    let cur = '';
    let end = j;
    while (j < n) {
      const ch = text[j] as string;
      if (isDigit(ch)) {
        cur += ch;
        j++;
        end = j;
        continue;
      }
      if (!PHONE_SEPARATORS.has(ch)) break;
      let k = j;
      while (k < n && k - j < 3 && PHONE_SEPARATORS.has(text[k] as string)) k++;
      if (!isDigit(text[k])) break;
      groups.push(cur);
      groupEnds.push(end);
      cur = '';
      j = k;
    }
    groups.push(cur);
    groupEnds.push(end);
    i = Math.max(end, i + 1);

    const before = text[start - 1];
    if (isLetterOrDigit(before) || before === '#') continue;
    if (/[$€£]\s{0,2}$/.test(text.slice(Math.max(0, start - 3), start))) continue;
    if ((before === '-' || before === '_' || before === '/') && isLetterOrDigit(text[start - 2])) continue;
    if (/[\p{L}%]/u.test(text[end] ?? '') || (text[end] === '/' && isDigit(text[end + 1]))) continue;
    if (NOT_PHONE_CONTEXT.has(wordBefore(folded, start))) continue;
    if (folios.some((f) => f.start < end && start < f.end)) continue;
    const raw = text.slice(plus ? start + 1 : start, end).trim();
    if (isRejectedPhone(raw, groups)) continue;

    // Two numbers written back to back ("5512345678 5587654321") fuse; keep the longest leading run that fits.
    let digits = '';
    let value: Found | undefined;
    for (let g = 0; g < groups.length; g++) {
      digits += groups[g] as string;
      if (digits.length > 15) break;
      if (digits.length >= 8) value = { value: (plus ? '+' : '') + digits, start, end: groupEnds[g] as number };
    }
    if (value) return value;
  }
  return undefined;
}

/**
 * A phone number as written in Mexico, Central America, the Andes or the Southern Cone: 8 to 15
 * digits, separators dropped, a leading "+" kept ("+52 1 55 1234 5678" → "+5215512345678").
 * Folios, dates, amounts, years and numbers after words like "folio" or "cuenta" are skipped.
 */
export function extractPhone(text: string): string | undefined {
  return findPhone(text.normalize('NFC'))?.value;
}

const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;
const EMAIL_DOMAIN = /[A-Za-z0-9.-]/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function findEmail(text: string): Found | undefined {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && at - s < 64 && EMAIL_LOCAL.test(text[s - 1] as string)) s--;
    if (s > 0 && EMAIL_LOCAL.test(text[s - 1] as string)) continue;
    while (text[s] === '.' && s < at) s++;
    let e = at + 1;
    while (e < text.length && e - at <= 253 && EMAIL_DOMAIN.test(text[e] as string)) e++;
    while (e > at + 1 && /[.-]/.test(text[e - 1] as string)) e--;
    const local = text.slice(s, at);
    const labels = text.slice(at + 1, e).split('.');
    if (local === '' || local.endsWith('.') || local.includes('..')) continue;
    if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) continue;
    if (!/^[a-z]{2,}$/i.test(labels[labels.length - 1] as string)) continue;
    return { value: text.slice(s, e).toLowerCase(), start: s, end: e };
  }
  return undefined;
}

/** The first e-mail address in the text, lowercased. */
export function extractEmail(text: string): string | undefined {
  return findEmail(text)?.value;
}

// ---------------------------------------------------------------------------------------------
// Addresses

const STREET_TYPES = new Set([
  'calle', 'avenida', 'av', 'ave', 'avda', 'bulevar', 'boulevard', 'bulevard', 'blvd', 'blvr', 'calzada', 'calz',
  'callejon', 'cjon', 'privada', 'priv', 'carrera', 'cra', 'kr', 'cll', 'jiron', 'pasaje', 'psje', 'pje', 'camino',
  'carretera', 'carr', 'prolongacion', 'prol', 'andador', 'cerrada', 'cda', 'circuito', 'diagonal', 'transversal',
  'periferico',
]);
/** Single letters and short words that are only street types when written as abbreviations: "C.", "Jr.", "Cl.". */
const STREET_NEEDS_DOT = new Set(['c', 'jr', 'cl']);
/** Street types that are also everyday words ("una carrera", "propiedad privada"): they need a number or a capitalized name. */
const STREET_AMBIGUOUS = new Set(['carrera', 'privada', 'camino', 'pasaje', 'cerrada', 'circuito', 'diagonal', 'transversal', 'andador', 'carretera']);
const ABBREVIATIONS = new Set([
  'av', 'ave', 'avda', 'blvd', 'blvr', 'calz', 'cjon', 'priv', 'cra', 'kr', 'cll', 'psje', 'pje', 'carr', 'prol', 'cda',
  'col', 'esq', 'fracc', 'frac', 'no', 'num', 'nro', 'int', 'depto', 'dpto', 'mz', 'mza', 'lt', 'km', 'edif', 'cp',
  'nte', 'ote', 'pte',
]);
/** "Blvd. López Mateos 1200 Pte.": cities that grid their streets add the side after the number. */
const DIRECTIONS = new Set(['norte', 'sur', 'oriente', 'poniente', 'nte', 'ote', 'pte']);
const AREA_TYPES = new Set(['col', 'colonia', 'barrio', 'fraccionamiento', 'fracc', 'frac', 'sector', 'residencial', 'urbanizacion']);
const NAME_PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'el']);
const ADDRESS_NAME_STOP = new Set([
  'que', 'hay', 'esta', 'estan', 'tiene', 'tienen', 'desde', 'porque', 'pero', 'donde', 'cuando', 'como', 'para',
  'por', 'con', 'sin', 'a', 'al', 'en', 'hace', 'ya', 'no', 'se', 'lo', 'le', 'les', 'me', 'mi', 'su', 'sus', 'muy',
  'mas', 'un', 'una', 'unos', 'unas', 'es', 'son', 'fue', 'era', 'frente', 'enfrente', 'cerca', 'junto', 'atras',
  'detras', 'entre', 'esquina', 'esq', 'casi', 'num', 'numero', 'nro', 'int', 'interior', 'depto', 'dpto',
  'departamento', 'mz', 'mza', 'manzana', 'lt', 'lote', 'km', 'cp', 'pues', 'o', 'u', 'ni', 'lleva', 'llevan',
  'sigue', 'siguen', 'queda', 'quedo', 'paso', 'pasa', 'vivo', 'vive', 'necesito', 'quiero', 'solicito', 'reporto',
  'hasta', 'sobre', 'ahi', 'aqui', 'alla', 'tambien', 'todo', 'toda', 'todos', 'todas', 'otra', 'otro', 'ese', 'esa',
  'este', 'esto', 'hoy', 'ayer', 'nos', ...AREA_TYPES,
]);
const HOUSE_NUMBER_WORDS = new Set(['no', 'num', 'numero', 'nro', 'nº', 'n']);
const UNIT_WORDS = new Set(['int', 'interior', 'depto', 'dpto', 'departamento', 'local', 'mz', 'mza', 'manzana', 'lt', 'lote', 'edif', 'edificio', 'piso', 'casa', 'torre', 'bloque']);

class AddressParser {
  readonly tokens: Token[];
  readonly caseless: boolean;

  constructor(doc: Doc) {
    this.tokens = doc.tokens;
    this.caseless = doc.caseless;
  }

  word(i: number): string | undefined {
    const t = this.tokens[i];
    return t?.word ? t.folded : undefined;
  }

  /** Punctuation `ch` at `i`, glued to the token before it. */
  glued(i: number, ch: string): boolean {
    const t = this.tokens[i];
    const prev = this.tokens[i - 1];
    return !!t && !!prev && !t.word && t.text === ch && t.start === prev.end;
  }

  punct(i: number, ch: string): boolean {
    const t = this.tokens[i];
    return !!t && !t.word && t.text === ch;
  }

  afterAbbreviation(i: number): number {
    const w = this.word(i);
    return w !== undefined && ABBREVIATIONS.has(w) && this.glued(i + 1, '.') ? i + 2 : i + 1;
  }

  isNumber(i: number): boolean {
    const w = this.word(i);
    return w !== undefined && /^\d{1,5}[a-z]?$/.test(w);
  }

  /** End of a street-type word at `i`, or -1. */
  streetType(i: number): number {
    const w = this.word(i);
    if (w === undefined) return -1;
    if (STREET_NEEDS_DOT.has(w)) return this.glued(i + 1, '.') || (w === 'c' && this.glued(i + 1, '/')) ? i + 2 : -1;
    return STREET_TYPES.has(w) ? this.afterAbbreviation(i) : -1;
  }

  /**
   * A street or area name: words, numbers and particles ("5 de Mayo", "de los Insurgentes").
   * When the citizen capitalized its first word, the name ends at the first lowercase word, so
   * "calle Hidalgo lleno de basura" stops after "Hidalgo".
   */
  name(i: number, allowAnd: boolean): { end: number; evidence: boolean } | undefined {
    let j = i;
    let end = -1;
    let words = 0;
    let particles = 0;
    let sawWord = false;
    let capitalized: boolean | undefined;
    let evidence = false;
    const maxWords = this.caseless ? 4 : 6;
    while (j < this.tokens.length && words < maxWords) {
      const w = this.word(j);
      if (w === undefined) break;
      if (NAME_PARTICLES.has(w)) {
        if (++particles > 3) break;
        j++;
        continue;
      }
      if (w === 'y' || w === 'e') {
        // An intersection ("Juárez y 5 de Mayo") only when what follows is clearly another street name.
        const next = this.tokens[j + 1];
        const crossing = next?.word && (this.isNumber(j + 1) || (capitalized === true && isCapitalized(next.text)));
        if (!allowAnd || particles > 0 || end === -1 || !crossing) break;
        particles++;
        sawWord = false;
        capitalized = undefined;
        j++;
        continue;
      }
      if (ADDRESS_NAME_STOP.has(w)) break;
      if (this.isNumber(j)) {
        if (sawWord) break; // after a name, a number is the house number
        evidence = true;
      } else {
        if (!/^\p{L}{2,}$/u.test(w)) break;
        const cap = isCapitalized((this.tokens[j] as Token).text);
        if (capitalized === undefined) capitalized = !this.caseless && cap;
        else if (capitalized && !cap) break;
        if (capitalized) evidence = true;
        sawWord = true;
      }
      words++;
      particles = 0;
      j++;
      end = j;
    }
    return end === -1 ? undefined : { end, evidence };
  }

  numberTail(j: number): number {
    let e = j + 1;
    const next = this.tokens[e + 1];
    if (this.glued(e, '-') && next?.word && next.start === (this.tokens[e] as Token).end && /^(?:\d{1,4}|\p{L})$/u.test(next.folded)) e += 2;
    if (this.word(e) === 'bis') e++;
    return e;
  }

  /** "#123", "No. 45", "número 45", "45-B", "s/n", "km 12", or -1. */
  houseNumber(i: number): number {
    let j = i;
    if (this.punct(j, ',') && (this.punct(j + 1, '#') || HOUSE_NUMBER_WORDS.has(this.word(j + 1) ?? ''))) j++;
    const w = this.word(j);
    if (this.punct(j, '#')) return this.isNumber(j + 1) ? this.numberTail(j + 1) : -1;
    if (w === 's' && this.glued(j + 1, '/') && this.word(j + 2) === 'n') return this.glued(j + 3, '.') ? j + 4 : j + 3;
    if (w === 'sin' && this.word(j + 1) === 'numero') return j + 2;
    if (w !== undefined && (HOUSE_NUMBER_WORDS.has(w) || w === 'km' || w === 'kilometro')) {
      let k = this.afterAbbreviation(j);
      if (this.punct(k, '°') || this.punct(k, '#')) k++;
      return this.isNumber(k) ? this.numberTail(k) : -1;
    }
    return this.isNumber(j) ? this.numberTail(j) : -1;
  }

  /** "int. 3", "mz 4 lt 12", "depto B" after the house number. */
  units(i: number): number {
    let end = i;
    for (let n = 0; n < 4; n++) {
      let j = end;
      if (this.punct(j, ',')) j++;
      const w = this.word(j);
      if (w === undefined || !UNIT_WORDS.has(w)) break;
      const k = this.afterAbbreviation(j);
      const v = this.word(k);
      if (v === undefined || !/^(?:\d{1,5}[a-z]?|\p{L})$/u.test(v)) break;
      end = k + 1;
    }
    return end;
  }

  /** ", col. Centro", "esquina con Reforma", "entre Juárez y Morelos", "barrio San Juan", or -1. */
  qualifier(i: number): number {
    let j = i;
    if (this.punct(j, ',')) j++;
    const w = this.word(j);
    const starts = [j];
    if (w === 'en' || w === 'de' || w === 'del') {
      const art = this.word(j + 1);
      starts.unshift(w !== 'del' && (art === 'la' || art === 'el') ? j + 2 : j + 1);
    }
    for (const s of starts) {
      const e = this.qualifierCore(s);
      if (e !== -1) return e;
    }
    return -1;
  }

  private qualifierCore(i: number): number {
    let j = i;
    let w = this.word(j);
    if (w === undefined) return -1;
    if (AREA_TYPES.has(w)) return this.name(this.afterAbbreviation(j), false)?.end ?? -1;
    if (w === 'casi' && (this.word(j + 1) === 'esquina' || this.word(j + 1) === 'esq')) w = this.word(++j);
    if (w === 'esquina' || w === 'esq') {
      j = this.afterAbbreviation(j);
      const link = this.word(j);
      if (link === 'con' || link === 'de' || link === 'y') j++;
      const street = this.streetType(j);
      return this.name(street === -1 ? j : street, false)?.end ?? -1;
    }
    if (w === 'entre') {
      const s1 = this.streetType(j + 1);
      const first = this.name(s1 === -1 ? j + 1 : s1, false);
      if (!first || (this.word(first.end) !== 'y' && this.word(first.end) !== 'e')) return -1;
      const s2 = this.streetType(first.end + 1);
      return this.name(s2 === -1 ? first.end + 1 : s2, false)?.end ?? -1;
    }
    if (w === 'cp' || (w === 'c' && this.glued(j + 1, '.') && this.word(j + 2) === 'p')) {
      let k = w === 'cp' ? this.afterAbbreviation(j) : this.glued(j + 3, '.') ? j + 4 : j + 3;
      if (this.punct(k, ':')) k++;
      return /^\d{5}$/.test(this.word(k) ?? '') ? k + 1 : -1;
    }
    return -1;
  }

  /** The address starting with a street type at `i`, as [start, end) token indexes. */
  addressAt(i: number): [number, number] | undefined {
    let j = this.streetType(i);
    if (j === -1) return undefined;
    const type = this.word(i) as string;
    if ((type === 'camino' || type === 'carretera' || type === 'carr') && (this.word(j) === 'a' || this.word(j) === 'al')) j++;
    const name = this.name(j, true);
    if (!name) return undefined;
    let end = name.end;
    let evidence = name.evidence;
    let number = this.houseNumber(end);
    if (number !== -1 && DIRECTIONS.has(this.word(number) ?? '')) number = this.afterAbbreviation(number);
    const units = this.units(number === -1 ? end : number);
    if (units !== name.end) evidence = true;
    end = units;
    for (let n = 0; n < 6; n++) {
      const e = this.qualifier(end);
      if (e === -1) break;
      end = this.units(e);
      evidence = true;
    }
    if (STREET_AMBIGUOUS.has(type) && !evidence) return undefined;
    return [i, end];
  }
}

/**
 * The street address inside a free sentence, in the citizen's own spelling: "…frente a la escuela
 * de la calle Hidalgo 123" → "calle Hidalgo 123". A street type (calle, av., blvd., carrera, jirón…)
 * is required; house number, colonia, corner, "entre X y Y", barrio, fraccionamiento and sector are
 * taken when present. Landmarks alone ("frente al mercado") give `undefined`.
 */
export function extractAddress(text: string): string | undefined {
  const doc = prepare(text);
  const parser = new AddressParser(doc);
  for (let i = 0; i < doc.tokens.length; i++) {
    const span = parser.addressAt(i);
    if (!span) continue;
    const first = doc.tokens[span[0]] as Token;
    const last = doc.tokens[span[1] - 1] as Token;
    return doc.original.slice(first.start, last.end);
  }
  return undefined;
}

/** Words that anchor a place relative to a landmark: "cerca del mercado", "a dos cuadras de la iglesia". */
const LANDMARK_WORDS = new Set([
  'cerca', 'frente', 'enfrente', 'junto', 'lado', 'costado', 'atras', 'detras', 'vuelta', 'espaldas', 'altura',
  'afuera', 'fuera', 'dentro', 'adentro', 'rumbo', 'cuadra', 'cuadras', 'esquina', 'esq', 'cruce',
]);
/** Words that, before a number, count things or time rather than name a street: "hace 3 días", "hay 2 baches". */
const NOT_STREET_BEFORE_NUMBER = new Set(['tengo', 'tiene', 'hace', 'son', 'hay', 'llevo', 'lleva', 'llevamos', 'como', 'unos', 'unas', 'mas', 'menos', 'desde', 'hasta', 'cada', 'las', 'los']);

function isContentWord(w: string | undefined): boolean {
  return w !== undefined && (/^\d/.test(w) || (w.length >= 3 && !ADDRESS_NAME_STOP.has(w) && !NAME_PARTICLES.has(w)));
}

/**
 * Whether an answer to "¿dónde es?" reads as a place: a street address, a colonia or corner, a
 * landmark ("cerca del mercado"), or a name and number ("Hidalgo 123").
 */
export function looksLikeAddress(text: string): boolean {
  const doc = prepare(text);
  const parser = new AddressParser(doc);
  const tokens = doc.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (parser.addressAt(i)) return true;
    const w = parser.word(i);
    if (w === undefined) continue;
    const anchor = parser.streetType(i) !== -1 || AREA_TYPES.has(w) || LANDMARK_WORDS.has(w);
    if (anchor) {
      for (let k = i + 1; k < Math.min(tokens.length, i + 5); k++) if (isContentWord(parser.word(k))) return true;
    }
    // "entre Juárez y Morelos", but not "entre semana".
    if (w === 'entre' && isContentWord(parser.word(i + 1))) {
      for (let k = i + 2; k < Math.min(tokens.length, i + 6); k++) {
        if ((parser.word(k) === 'y' || parser.word(k) === 'e') && isContentWord(parser.word(k + 1))) return true;
      }
    }
    if (/^\p{L}{3,}$/u.test(w) && !ADDRESS_NAME_STOP.has(w) && !NOT_STREET_BEFORE_NUMBER.has(w) && parser.houseNumber(i + 1) !== -1) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Names

interface NameIntro {
  words: string[];
  /** Unambiguous wherever it appears; the others must open a clause ("el nombre de la calle" is no intro). */
  anywhere: boolean;
  /** Followed by anything ("soy nueva aquí"), so in a text that uses capitals the name must be capitalized. */
  strict: boolean;
}

const NAME_INTROS: NameIntro[] = (
  [
    ['me llamo', true, false], ['mi nombre completo es', true, false], ['mi nombre es', true, false],
    ['mi nombre', true, false], ['a nombre de', true, false], ['atentamente', true, false], ['atte', true, false],
    ['nombre', false, false], ['yo soy', false, true], ['soy', false, true], ['le habla', false, true],
    ['les habla', false, true], ['te habla', false, true], ['habla', false, true], ['le saluda', false, true],
    ['les saluda', false, true], ['le escribe', false, true], ['les escribe', false, true],
  ] as const
)
  .map(([p, anywhere, strict]) => ({ words: p.split(' '), anywhere, strict }))
  .sort((a, b) => b.words.length - a.words.length);

const NAME_TITLES = new Set([
  'sr', 'sra', 'srta', 'senor', 'senora', 'senorita', 'don', 'dona', 'lic', 'licenciado', 'licenciada', 'ing',
  'ingeniero', 'ingeniera', 'dr', 'dra', 'doctor', 'doctora', 'prof', 'profa', 'profesor', 'profesora', 'mtro', 'mtra', 'c',
]);
const NAME_PARTICLE_WORDS = new Set(['de', 'del', 'la', 'las', 'los', 'y']);
/** Words that never start or continue a name; an answer made of them is not a name. */
const NOT_NAME = new Set([
  'no', 'si', 'sip', 'ok', 'okay', 'hola', 'quiero', 'queria', 'quisiera', 'para', 'que', 'porque', 'gracias',
  'buenos', 'buenas', 'buen', 'dias', 'dia', 'tardes', 'noches', 'nada', 'nadie', 'ninguno', 'ninguna', 'anonimo',
  'anonima', 'anonimato', 'prefiero', 'decir', 'mejor', 'cancelar', 'ayuda', 'como', 'donde', 'cuando', 'quien',
  'por', 'favor', 'yo', 'mi', 'tu', 'su', 'es', 'soy', 'claro', 'bueno', 'vale', 'dale', 'ya', 'aqui', 'alla', 'ahi',
  'calle', 'colonia', 'avenida', 'bache', 'basura', 'el', 'un', 'una', 'lo', 'le', 'me', 'te', 'se', 'esta', 'estoy',
  'hay', 'tengo', 'con', 'sin', 'en', 'a', 'al', 'o', 'u', 'e', 'y', 'vivo', 'vive', 'necesito', 'reporto', 'reportar',
  'solicito', 'busco', 'hablo', 'llamo', 'escribo', 'vecino', 'vecina', 'vecinos', 'ciudadano', 'ciudadana',
  'residente', 'habitante', 'estudiante', 'comerciante', 'maestro', 'maestra', 'profesor', 'profesora', 'jubilado',
  'jubilada', 'pensionado', 'pensionada', 'madre', 'padre', 'mama', 'papa', 'hijo', 'hija', 'encargado', 'encargada',
  'dueno', 'duena', 'propietario', 'propietaria', 'representante', 'presidente', 'presidenta', 'delegado',
  'delegada', 'usuario', 'usuaria', 'persona', 'mujer', 'hombre', 'nuevo', 'nueva', 'tel', 'telefono', 'cel',
  'celular', 'correo', 'email', 'mail', 'numero', 'whatsapp', 'nombre', 'llama', 'llaman', 'eso', 'esto', 'ese',
  'este', 'sera', 'ser', 'puedo', 'puede', 'pues', 'tambien', 'hello', 'yes', 'les', 'nos', 'usted', 'ustedes',
  'ella', 'ellos', 'aca', 'solo', 'desde', 'hace', 'hoy', 'ayer', 'estimado', 'estimados', 'saludo', 'saludos',
]);
/** What may follow a name in a whole answer once phones and e-mails are removed: "Juan Pérez, cel …, gracias". */
const AFTER_NAME_OK = new Set([
  'tel', 'telefono', 'cel', 'celular', 'movil', 'whatsapp', 'wa', 'wsp', 'correo', 'email', 'mail', 'e', 'numero',
  'num', 'mi', 'es', 'y', 'al', 'contacto', 'gracias', 'saludos',
]);
const GREETING_WORDS = new Set(['hola', 'buenas', 'buenos', 'buen', 'dias', 'dia', 'tardes', 'noches', 'saludos']);

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
    if (sep.word || !["-", "'", '\u2019'].includes(sep.text) || sep.start !== prev.end || next.start !== sep.end) break;
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

function titleCase(word: string, first: boolean): string {
  const lower = word.toLowerCase();
  if (word !== lower && word !== word.toUpperCase()) return word;
  if (!first && NAME_PARTICLE_WORDS.has(foldText(lower))) return lower;
  return lower.replace(/(^|[-'\u2019])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * Reads a name starting at token `i`. With `strictCase`, a lowercase first word in a text that
 * uses capitals is not a name ("soy nueva aquí"); in any mode a name that starts capitalized
 * ends at the first lowercase word.
 */
function readName(doc: Doc, i: number, strictCase: boolean, wholeAnswer: boolean): { words: string[]; end: number } | undefined {
  const tokens = doc.tokens;
  let j = i;
  while (tokens[j] && !tokens[j]?.word && [':', ',', '-'].includes((tokens[j] as Token).text)) j++;
  // "el señor Juan", "Lic. Ana", "C. Juan Pérez"
  const article = tokens[j]?.folded;
  const titleAt = article === 'el' || article === 'la' ? j + 1 : j;
  const title = tokens[titleAt];
  if (title?.word && NAME_TITLES.has(title.folded)) {
    const dotted = tokens[titleAt + 1]?.text === '.' && tokens[titleAt + 1]?.start === title.end;
    if (title.folded !== 'c' || dotted) j = dotted ? titleAt + 2 : titleAt + 1;
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
    if (NAME_PARTICLE_WORDS.has(w.folded) && !(words.length === 0 && cap && !doc.caseless && w.folded !== 'y')) {
      if (words.length === 0 || pending.length >= 3) break;
      // "Ortega y Gasset" joins surnames only between capitals; "Juan y quiero…" ends the name.
      if (w.folded === 'y' && (doc.caseless || !isCapitalized(tokens[w.end]?.text ?? ''))) break;
      pending.push(w.text);
      j = w.end;
      continue;
    }
    if (NOT_NAME.has(w.folded)) break;
    if (words.length === 0) {
      if (strictCase && !doc.caseless && !cap) return undefined;
      if (w.text.replace(/\.$/, '').length < 2) return undefined;
      firstCap = cap;
    } else if (!wholeAnswer && !doc.caseless && firstCap && !cap) break;
    words.push(...pending, w.text);
    pending = [];
    nameWords++;
    j = w.end;
    end = j;
  }
  if (words.length === 0) return undefined;
  return { words: words.map((w, k) => titleCase(w, k === 0)), end };
}

function withoutContacts(text: string): string {
  let out = text.normalize('NFC');
  for (let n = 0; n < 6; n++) {
    const hit = findEmail(out) ?? findPhone(out);
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
 * The citizen's name from "me llamo…", "soy…", "mi nombre es…", "atentamente, …", or, with
 * `wholeAnswer`, the whole reply. Lowercase or ALL-CAPS words are title-cased (particles such as
 * "de los" stay lowercase); a trailing phone or e-mail is dropped.
 */
export function extractName(text: string, options: ExtractNameOptions = {}): string | undefined {
  const doc = prepare(withoutContacts(text));
  const tokens = doc.tokens;
  const folded = tokens.map((t) => (t.word ? t.folded : ''));
  for (let i = 0; i < tokens.length; i++) {
    const prev = folded[i - 1];
    const opensClause = !prev || GREETING_WORDS.has(prev) || prev === 'y' || prev === 'pues' || prev === 'bueno';
    const intro = NAME_INTROS.find((p) => (p.anywhere || opensClause) && p.words.every((w, k) => folded[i + k] === w));
    if (!intro) continue;
    const name = readName(doc, i + intro.words.length, intro.strict, false);
    if (name) return name.words.join(' ');
  }
  if (!options.wholeAnswer) return undefined;

  let start = 0;
  while (start < tokens.length && (!tokens[start]?.word || GREETING_WORDS.has(folded[start] as string))) start++;
  const name = readName(doc, start, false, true);
  if (!name) return undefined;
  for (let k = name.end; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.word && !AFTER_NAME_OK.has(t.folded)) return undefined;
  }
  return name.words.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Global intents

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
