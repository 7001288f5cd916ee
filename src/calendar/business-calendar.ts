import { isWithinBusinessHours, type BusinessHours } from '../business-hours.js';

/** A term the law or the municipality sets: so many calendar days, or so many business days. */
export interface Term {
  days: number;
  unit: 'calendar' | 'business';
}

const DAY_MS = 86_400_000;

/**
 * The municipality's calendar: its time zone, office hours (which also say which weekdays are
 * working days) and holidays. Everything that counts business days or says "a person will see it
 * on Monday at 8:00" asks this one object.
 */
export class BusinessCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly workingWeekdays: ReadonlySet<number>;

  constructor(
    readonly timeZone: string,
    readonly hours: BusinessHours,
    holidays: Iterable<string>,
  ) {
    this.holidays = new Set(holidays);
    this.workingWeekdays = new Set(hours.ranges.flatMap((range) => range.days));
  }

  /** "2026-11-23" on the municipality's wall clock. */
  localDate(at: Date): string {
    return localParts(at, this.timeZone).date;
  }

  isHoliday(date: string): boolean {
    return this.holidays.has(date);
  }

  isBusinessDay(date: string): boolean {
    return this.workingWeekdays.has(weekday(date)) && !this.holidays.has(date);
  }

  isOpen(at: Date): boolean {
    return this.isBusinessDay(this.localDate(at)) && isWithinBusinessHours(this.hours, at, this.timeZone);
  }

  /**
   * When a term started at `start` ends. Calendar days keep the time of day; business days end
   * at midnight after the last one, the day `start` falls on not counting (as petition laws count).
   */
  addTerm(start: Date, term: Term): Date {
    if (term.unit === 'calendar') return new Date(start.getTime() + term.days * DAY_MS);
    // A start at midnight sharp (the end of an earlier term, as in an extension) counts its own day.
    let date = this.localDate(new Date(start.getTime() - 1));
    let counted = 0;
    while (counted < term.days) {
      date = addDays(date, 1);
      if (this.isBusinessDay(date)) counted += 1;
    }
    return this.atLocalTime(addDays(date, 1), 0);
  }

  /** Business days from `from` to `to` (positive ahead, negative past), counting whole local days. */
  businessDaysBetween(from: Date, to: Date): number {
    const sign = to >= from ? 1 : -1;
    let date = this.localDate(sign > 0 ? from : to);
    const end = this.localDate(sign > 0 ? to : from);
    let count = 0;
    while (date < end) {
      date = addDays(date, 1);
      if (this.isBusinessDay(date)) count += 1;
    }
    return sign * count;
  }

  /** The next moment the office is open, `at` itself when it already is: when a person will see a message. */
  nextOpening(at: Date): Date {
    if (this.isOpen(at)) return at;
    let date = this.localDate(at);
    for (let i = 0; i < 370; i += 1, date = addDays(date, 1)) {
      if (!this.isBusinessDay(date)) continue;
      const day = weekday(date);
      const opens = this.hours.ranges
        .filter((range) => range.days.includes(day))
        .map((range) => range.openMinute)
        .sort((a, b) => a - b);
      for (const minute of opens) {
        const candidate = this.atLocalTime(date, minute);
        if (candidate > at) return candidate;
      }
    }
    return at;
  }

  /** The instant a wall-clock minute of a local date happens in the municipality's zone. */
  atLocalTime(date: string, minuteOfDay: number): Date {
    return localTimeIn(this.timeZone, date, minuteOfDay);
  }
}

/** The instant a wall-clock minute of a local date happens in `timeZone`. */
export function localTimeIn(timeZone: string, date: string, minuteOfDay: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, m - 1, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  // Guess with the offset at the wanted instant, then once more in case the guess crossed a DST change.
  let guess = wanted - offsetMs(new Date(wanted), timeZone);
  guess = wanted - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** A Date whose UTC fields read what a clock in `timeZone` showed at `at` (for spreadsheets, which have no zones). */
export function wallClock(at: Date, timeZone: string): Date {
  const wholeSeconds = Math.floor(at.getTime() / 1000) * 1000;
  return new Date(localParts(new Date(wholeSeconds), timeZone).utcOfWall + (at.getTime() - wholeSeconds));
}

/** Adds whole days to an ISO date, on the calendar (no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function localParts(at: Date, timeZone: string): { date: string; minute: number; utcOfWall: number } {
  let format = partsFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsFormatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const utcOfWall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), hour, minute, Number(parts.second));
  return { date, minute: hour * 60 + minute, utcOfWall };
}

/** How far the zone's wall clock is ahead of UTC at `at`. */
function offsetMs(at: Date, timeZone: string): number {
  const wholeSeconds = Math.floor(at.getTime() / 1000) * 1000;
  return localParts(new Date(wholeSeconds), timeZone).utcOfWall - wholeSeconds;
}
