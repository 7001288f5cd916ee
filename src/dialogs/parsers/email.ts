import type { Found } from '../../language/text.js';

const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;
const EMAIL_DOMAIN = /[A-Za-z0-9.-]/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** The first e-mail address in the text and where it is; bounded scans, so long input cannot stall it. */
export function findEmail(text: string): Found | undefined {
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
