import { dateFormat } from './date-format.js';

/**
 * Office hours as "lun-vie 08:00-15:00; sab 09:00-13:00" (Spanish or English day abbreviations).
 * Outside them the bot still takes every message; only the wording of what happens next changes.
 */
export interface BusinessHoursRange {
  /** 0 = Sunday … 6 = Saturday */
  days: number[];
  openMinute: number;
  closeMinute: number;
}
export interface BusinessHours {
  ranges: BusinessHoursRange[];
}

const DAY_NAMES: Record<string, number> = {
  dom: 0,
  sun: 0,
  lun: 1,
  mon: 1,
  mar: 2,
  tue: 2,
  mie: 3,
  mié: 3,
  wed: 3,
  jue: 4,
  thu: 4,
  vie: 5,
  fri: 5,
  sab: 6,
  sáb: 6,
  sat: 6,
};

const SPANISH_DAYS = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
const ENGLISH_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function parseBusinessHours(spec: string): BusinessHours {
  const ranges = spec
    .split(/[;,]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map(parseRange);
  if (ranges.length === 0) throw new Error('horario vacío; ejemplo: "lun-vie 08:00-15:00"');
  return { ranges };
}

function parseRange(part: string): BusinessHoursRange {
  const match = /^([a-záé]{3})(?:\s*-\s*([a-záé]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/i.exec(part);
  if (!match) throw new Error(`no entiendo el horario "${part}"; ejemplo: "lun-vie 08:00-15:00"`);
  const [, fromDay, toDay, oh, om, ch, cm] = match;
  const from = DAY_NAMES[fromDay!.toLowerCase()];
  const to = DAY_NAMES[(toDay ?? fromDay)!.toLowerCase()];
  if (from === undefined || to === undefined) throw new Error(`día desconocido en "${part}"`);
  const openMinute = Number(oh) * 60 + Number(om);
  const closeMinute = Number(ch) * 60 + Number(cm);
  if (openMinute >= closeMinute || closeMinute > 24 * 60) throw new Error(`horas inválidas en "${part}"`);
  const days: number[] = [];
  for (let d = from; ; d = (d + 1) % 7) {
    days.push(d);
    if (d === to) break;
  }
  return { days, openMinute, closeMinute };
}

/** Day of week and minute of day of `at` on the municipality's wall clock. */
function wallClock(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = dateFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function isWithinBusinessHours(hours: BusinessHours, at: Date, timeZone: string): boolean {
  const { day, minute } = wallClock(at, timeZone);
  return hours.ranges.some((r) => r.days.includes(day) && minute >= r.openMinute && minute < r.closeMinute);
}

const hhmm = (minute: number) => `${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}`;

/** "lunes a viernes de 8:00 a 15:00" — for the bot's wording. */
export function describeBusinessHours(hours: BusinessHours, locale: 'es' | 'en'): string {
  const names = locale === 'es' ? SPANISH_DAYS : ENGLISH_DAYS;
  return hours.ranges
    .map((r) => {
      const first = names[r.days[0]!]!;
      const last = names[r.days[r.days.length - 1]!]!;
      const days = r.days.length === 1 ? first : locale === 'es' ? `${first} a ${last}` : `${first} to ${last}`;
      return locale === 'es'
        ? `${days} de ${hhmm(r.openMinute)} a ${hhmm(r.closeMinute)}`
        : `${days} from ${hhmm(r.openMinute)} to ${hhmm(r.closeMinute)}`;
    })
    .join(locale === 'es' ? '; ' : '; ');
}
