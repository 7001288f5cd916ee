import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { foldText } from '../../language/normalize-text.js';
import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { findFolios } from './folio.js';
import { isDigit, isLetterOrDigit, perPack, type Found } from '../../language/text.js';

/** The region a number without "+" is read in when the caller names none. */
export const DEFAULT_PHONE_REGION: CountryCode = 'MX';

export interface PhoneOptions {
  /** Where a national number is dialled: its country's rules decide where fused numbers split. */
  region?: CountryCode;
  pack?: LanguagePack;
}

const PHONE_SEPARATORS = new Set([' ', '-', '.', '(', ')', '\u00a0']);

const notPhoneContext = perPack((pack: LanguagePack) => new Set(pack.phone.notPhoneContext));

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

/**
 * How a run of digits reads as a phone, or undefined. libphonenumber-js knows each country's
 * lengths and prefixes: an international number it calls possible comes back in E.164, and one
 * dialled with the region's international prefix ("00 52 …" from Mexico) too. Numbers it does
 * not know (a Central American one read in Mexico, the old "+52 1" mobiles) are still phones
 * when they have 8 to 15 digits, kept as written.
 */
function readDigits(digits: string, plus: boolean, region: CountryCode): { value: string; known: boolean } | undefined {
  if (digits.length < 8 || digits.length > 15) return undefined;
  const parsed = parsePhoneNumberFromString(plus ? `+${digits}` : digits, region);
  if (parsed?.isPossible()) {
    const dialledAbroad =
      !plus && digits !== parsed.nationalNumber && digits.endsWith(`${parsed.countryCallingCode}${parsed.nationalNumber}`);
    return { value: plus || dialledAbroad ? parsed.number : digits, known: true };
  }
  return { value: (plus ? '+' : '') + digits, known: false };
}

/** The first phone number in the text and where it is. */
export function findPhone(text: string, options: PhoneOptions = {}): Found | undefined {
  const pack = options.pack ?? defaultLanguagePack();
  const region = options.region ?? DEFAULT_PHONE_REGION;
  const context = notPhoneContext(pack);
  const folded = foldText(text);
  const folios = findFolios(folded, 'AC', pack);
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
    if (context.has(wordBefore(folded, start))) continue;
    if (folios.some((f) => f.start < end && start < f.end)) continue;
    const raw = text.slice(plus ? start + 1 : start, end).trim();
    if (isRejectedPhone(raw, groups)) continue;

    // Two numbers written back to back ("5512345678 5587654321") fuse: keep the longest leading
    // run the region's rules call a phone, else the longest that has a phone's length.
    let digits = '';
    let known: Found | undefined;
    let plausible: Found | undefined;
    for (let g = 0; g < groups.length; g++) {
      digits += groups[g] as string;
      if (digits.length > 15) break;
      const read = readDigits(digits, plus, region);
      if (!read) continue;
      const found = { value: read.value, start, end: groupEnds[g] as number };
      if (read.known) known = found;
      plausible = found;
    }
    const value = known ?? plausible;
    if (value) return value;
  }
  return undefined;
}

/**
 * A phone number as written in Mexico, Central America, the Andes or the Southern Cone: 8 to 15
 * digits, separators dropped, a leading "+" kept ("+52 1 55 1234 5678" → "+5215512345678").
 * Folios, dates, amounts, years and numbers after words like "folio" or "cuenta" are skipped.
 */
export function extractPhone(text: string, options: PhoneOptions = {}): string | undefined {
  return findPhone(text.normalize('NFC'), options)?.value;
}
