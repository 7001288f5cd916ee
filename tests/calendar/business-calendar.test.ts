import { describe, expect, it } from 'vitest';
import { parseBusinessHours } from '../../src/business-hours.js';
import { BusinessCalendar } from '../../src/calendar/business-calendar.js';
import { loadFollowUpPolicy } from '../../src/cases/follow-up/policy.js';

const MX = 'America/Mexico_City'; // UTC−6 all year since 2022
const weekdays = parseBusinessHours('lun-vie 08:00-15:00');
const calendar = new BusinessCalendar(MX, weekdays, loadFollowUpPolicy().holidays);

describe('business calendar', () => {
  it('counts business days over weekends and holidays, ending at midnight after the last one', () => {
    // Friday 13 Nov 2026, 10:00; Monday 16 Nov is a holiday (Revolution day, third Monday).
    const friday = new Date('2026-11-13T16:00:00Z');
    expect(calendar.addTerm(friday, { days: 1, unit: 'business' })).toEqual(new Date('2026-11-18T06:00:00Z')); // end of Tue 17
    expect(calendar.addTerm(friday, { days: 2, unit: 'business' })).toEqual(new Date('2026-11-19T06:00:00Z')); // end of Wed 18
    expect(calendar.addTerm(friday, { days: 15, unit: 'business' })).toEqual(new Date('2026-12-08T06:00:00Z')); // end of Mon 7 Dec
  });

  it('keeps the time of day for calendar days, holidays included', () => {
    const at = new Date('2026-11-13T16:00:00Z');
    expect(calendar.addTerm(at, { days: 30, unit: 'calendar' })).toEqual(new Date('2026-12-13T16:00:00Z'));
  });

  it('tells business days between two moments, ahead and past', () => {
    const friday = new Date('2026-11-13T16:00:00Z');
    const nextFriday = new Date('2026-11-20T16:00:00Z');
    expect(calendar.businessDaysBetween(friday, nextFriday)).toBe(4); // Mon 16 is a holiday
    expect(calendar.businessDaysBetween(nextFriday, friday)).toBe(-4);
    expect(calendar.businessDaysBetween(friday, friday)).toBe(0);
  });

  it('says when the office next opens: now when open, else the next working morning', () => {
    expect(calendar.nextOpening(new Date('2026-11-17T16:00:00Z'))).toEqual(new Date('2026-11-17T16:00:00Z')); // Tue 10:00
    expect(calendar.nextOpening(new Date('2026-11-17T23:30:00Z'))).toEqual(new Date('2026-11-18T14:00:00Z')); // Tue 17:30 → Wed 8:00
    expect(calendar.nextOpening(new Date('2026-11-14T18:00:00Z'))).toEqual(new Date('2026-11-17T14:00:00Z')); // Sat → Tue (Mon holiday)
    expect(calendar.nextOpening(new Date('2026-11-17T13:00:00Z'))).toEqual(new Date('2026-11-17T14:00:00Z')); // Tue 7:00 → 8:00 same day
    expect(calendar.isOpen(new Date('2026-11-16T16:00:00Z'))).toBe(false); // a holiday Monday at 10:00
  });

  it('finds the instant of a local wall-clock time across a daylight-saving change', () => {
    const madrid = new BusinessCalendar('Europe/Madrid', weekdays, []);
    expect(madrid.atLocalTime('2026-03-27', 8 * 60)).toEqual(new Date('2026-03-27T07:00:00Z')); // CET
    expect(madrid.atLocalTime('2026-03-30', 8 * 60)).toEqual(new Date('2026-03-30T06:00:00Z')); // CEST
    expect(madrid.localDate(new Date('2026-03-29T22:30:00Z'))).toBe('2026-03-30');
  });

  it('uses the weekdays of the office hours as working days', () => {
    const saturdays = new BusinessCalendar(MX, parseBusinessHours('lun-vie 08:00-15:00; sab 09:00-13:00'), []);
    expect(saturdays.isBusinessDay('2026-11-14')).toBe(true);
    expect(saturdays.addTerm(new Date('2026-11-13T16:00:00Z'), { days: 1, unit: 'business' })).toEqual(new Date('2026-11-15T06:00:00Z'));
  });
});

describe('terms that start at midnight', () => {
  it('count their own day, so an extension adds whole business days to the end of the term', () => {
    const endOfTuesday = new Date('2026-12-16T06:00:00Z'); // midnight after Tue 15 Dec
    expect(calendar.addTerm(endOfTuesday, { days: 1, unit: 'business' })).toEqual(new Date('2026-12-17T06:00:00Z')); // end of Wed 16
    expect(calendar.addTerm(endOfTuesday, { days: 10, unit: 'business' })).toEqual(new Date('2026-12-31T06:00:00Z')); // end of Wed 30, Christmas skipped
  });
});
