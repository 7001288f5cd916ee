import { type Locale, t } from '../i18n/index.js';

/**
 * The public status page of a folio (/estado/AC-2026-000123), for the links the bot's, the mails'
 * and the notices' messages give. None without PUBLIC_URL: a citizen must never be sent to
 * localhost, the address the server knows itself by.
 */
export function statusPageUrl(publicUrl: string | undefined, folio: string): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/estado/${encodeURIComponent(folio)}` : undefined;
}

/** A message to the citizen about a case, with the line that links to its status page when there is one. */
export function withStatusLink(text: string, folio: string, publicUrl: string | undefined, locale: Locale): string {
  const enlace = statusPageUrl(publicUrl, folio);
  return enlace ? `${text}\n${t(locale, 'status_page.link', { enlace })}` : text;
}
