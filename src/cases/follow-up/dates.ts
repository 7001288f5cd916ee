import type { Locale } from '../../i18n/index.js';
import { dateFormat } from '../../date-format.js';

const tag = (locale: Locale) => (locale === 'es' ? 'es-MX' : 'en-US');

/** "24/11/2026 10:00" on the municipality's clock. */
export function formatDateTime(at: Date, timeZone: string, locale: Locale): string {
  const time = dateFormat(tag(locale), { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return `${formatDate(at, timeZone, locale)} ${time}`;
}

/** "24/11/2026". */
export function formatDate(at: Date, timeZone: string, locale: Locale): string {
  return dateFormat(tag(locale), { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
}

/** "lunes 30 de noviembre a las 8:00" — for citizens. */
export function formatMoment(at: Date, timeZone: string, locale: Locale): string {
  const day = dateFormat(tag(locale), { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(at);
  const time = dateFormat(tag(locale), { timeZone, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return locale === 'es' ? `${day.replace(',', '')} a las ${time}` : `${day} at ${time}`;
}

/** "lunes 30 de noviembre". */
export function formatDay(at: Date, timeZone: string, locale: Locale): string {
  return dateFormat(tag(locale), { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(at).replace(',', '');
}

/**
 * The last day to answer: a business-day term ends at midnight after its last day, which as a
 * date would read as the day after; the instant just before it names the right day.
 */
export function formatDueDate(dueAt: Date, timeZone: string, locale: Locale): string {
  return formatDate(new Date(dueAt.getTime() - 1), timeZone, locale);
}

/** "10 de marzo de 2026" — for citizens. */
export function formatLongDate(at: Date, timeZone: string, locale: Locale): string {
  return dateFormat(tag(locale), { timeZone, dateStyle: 'long' }).format(at);
}

/** "2026-03-10" on the municipality's clock, for a `<time datetime>`. */
export function isoLocalDate(at: Date, timeZone: string): string {
  return dateFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
