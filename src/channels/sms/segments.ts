/**
 * SMS length rules (3GPP TS 23.038): a text entirely in the GSM 7-bit alphabet fits 160
 * characters in one message, 153 per part when concatenated, and the extension characters
 * (€, [, ], {, }, \, ^, ~, |) take two; anything else sends the whole text as UCS-2, 70 per
 * message and 67 per part. One accent outside GSM-7 more than doubles what a reply costs.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';
const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsLength {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

export function isGsm7(text: string): boolean {
  for (const c of text) if (!basic.has(c) && !extension.has(c)) return false;
  return true;
}

export function smsLength(text: string): SmsLength {
  if (isGsm7(text)) {
    let units = 0;
    for (const c of text) units += extension.has(c) ? 2 : 1;
    return { encoding: 'gsm7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** Lookalikes in GSM-7 for the characters Spanish text and our own replies use most. */
const FOLDS: Record<string, string> = {
  á: 'a',
  í: 'i',
  ó: 'o',
  ú: 'u',
  Á: 'A',
  Í: 'I',
  Ó: 'O',
  Ú: 'U',
  â: 'a',
  ê: 'e',
  ô: 'o',
  ç: 'c',
  '«': '"',
  '»': '"',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '–': '-',
  '—': '-',
  '…': '...',
  '•': '-',
  '·': '-',
  '\u00a0': ' ',
  '\t': ' ',
};

/**
 * The text in GSM-7 when only foldable characters keep it out (á → a, « » → "): Mexican
 * carriers and phones read unaccented SMS every day, and it costs a third as much. A character
 * with no lookalike (an emoji, a name in another script) leaves the text as it was, in UCS-2.
 */
export function foldToGsm7(text: string): string {
  const folded = [...text.normalize('NFC')].map((c) => FOLDS[c] ?? c).join('');
  return isGsm7(folded) ? folded : text;
}
