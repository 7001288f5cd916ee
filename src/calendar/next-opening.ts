import type { Locale } from '../i18n/index.js';
import type { BusinessCalendar } from './business-calendar.js';
import { dateFormat } from '../date-format.js';

/**
 * When a person will see a message sent now, in words for the citizen: "en este momento" during
 * office hours, else "el lunes 30 de noviembre a partir de las 8:00" (holidays skipped).
 */
export function describeNextOpening(calendar: BusinessCalendar, at: Date, locale: Locale): string {
  const next = calendar.nextOpening(at);
  const tag = locale === 'es' ? 'es-MX' : 'en-GB';
  const day = dateFormat(tag, { timeZone: calendar.timeZone, weekday: 'long', day: 'numeric', month: 'long' })
    .format(next)
    .replace(',', '');
  const time = dateFormat(tag, { timeZone: calendar.timeZone, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }).format(next);
  if (next.getTime() === at.getTime()) return locale === 'es' ? 'en este momento' : 'right now';
  return locale === 'es' ? `el ${day} a partir de las ${time}` : `on ${day} from ${time}`;
}
