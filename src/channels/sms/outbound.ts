import type { OutboundMessage } from '../../messages/outbound.js';
import { foldToGsm7, smsLength } from './segments.js';

/** Words the renderer adds around the dialog's own (from the i18n catalogue). */
export interface SmsLabels {
  answerWithNumber: string;
  /** Has an `{options}` placeholder: yes/no is answered by word. */
  answerWith: string;
  /** SMS cannot carry a location: the citizen writes the address. */
  writeAddress: string;
  /** Has a `{skip}` placeholder. */
  skipHint: string;
}

/**
 * Twilio takes up to 1,600 characters per message and splits them; the Android gateway splits
 * any length. Past ten parts the phone's reassembly gets unreliable, so longer texts go as several SMS.
 */
export const MAX_SEGMENTS_PER_SMS = 10;

/**
 * A dialog message as SMS text: no buttons or lists on SMS, so options are numbered ("1 Bache")
 * one a line and the dialog's parsers take the digit; blank lines and spaces squeezed, and the
 * text folded into GSM-7 when it can be, since every character counts toward the segments paid.
 */
export function renderSms(message: OutboundMessage, labels: SmsLabels): string[] {
  const prompt = message.prompt;
  const options = prompt?.options ?? [];
  let text = message.text;
  if (prompt?.kind === 'photo' && options.length === 1) text += `\n${labels.skipHint.replace('{skip}', options[0]!.label)}`;
  else if (prompt?.kind === 'yes_no') text += `\n${labels.answerWith.replace('{options}', options.map((o) => o.label).join('/'))}`;
  else if (options.length > 0) text += `\n${options.map((o, i) => `${i + 1} ${o.label}`).join('\n')}\n${labels.answerWithNumber}`;
  else if (prompt?.kind === 'location') text += `\n${labels.writeAddress}`;
  return splitSegments(foldToGsm7(squeeze(text)));
}

function squeeze(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cuts at line, then word boundaries so no SMS exceeds MAX_SEGMENTS_PER_SMS segments. */
export function splitSegments(text: string, maxSegments: number = MAX_SEGMENTS_PER_SMS): string[] {
  const parts: string[] = [];
  let rest = text;
  while (smsLength(rest).segments > maxSegments) {
    const perPart = smsLength(rest).encoding === 'gsm7' ? 153 : 67;
    const budget = perPart * maxSegments - 10; // extension characters count double; keep a margin
    const window = rest.slice(0, budget);
    let cut = window.lastIndexOf('\n');
    if (cut < budget / 2) cut = window.lastIndexOf(' ');
    if (cut < budget / 2) cut = budget;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
