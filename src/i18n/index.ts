import { en } from './en.js';
import { es, type MessageKey } from './es.js';

export type { MessageKey };
export const LOCALES = ['es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const catalogues: Record<Locale, Record<MessageKey, string>> = { es, en };

/** Fills `{name}` placeholders; unknown placeholders stay visible so a typo shows up in review. */
export function interpolate(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  return interpolate(catalogues[locale][key], params);
}

/** Picks the first supported language of an Accept-Language header, else the fallback. */
export function negotiateLocale(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase().slice(0, 2);
    if (tag && (LOCALES as readonly string[]).includes(tag)) return tag as Locale;
  }
  return fallback;
}

export function catalogue(locale: Locale): Readonly<Record<MessageKey, string>> {
  return catalogues[locale];
}
