import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBusinessHours } from '../../src/business-hours.js';
import { BusinessCalendar } from '../../src/calendar/business-calendar.js';
import { dueDateFor, forwardingDeadline, termFor, type CaseTerms } from '../../src/cases/deadlines.js';
import { FollowUpPolicyError, loadFollowUpPolicy, parseFollowUpPolicy } from '../../src/cases/follow-up/policy.js';

const hours = parseBusinessHours('lun-vie 08:00-15:00');

describe('follow-up policy', () => {
  it('ships a default of 30 calendar days, 50/80/100% warnings and weekly and fortnightly digests', () => {
    const policy = loadFollowUpPolicy();
    expect(policy.deadlines.default).toEqual({ days: 30, unit: 'calendar' });
    expect(policy.escalation.map((p) => p.percent)).toEqual([50, 80, 100]);
    expect(policy.escalation.at(-1)).toMatchObject({ escalate: true, notify: ['department', 'coordinator'] });
    expect(policy.digests.map((d) => [d.every, d.weekday, d.time])).toEqual([
      ['weekly', 'lun', '08:00'],
      ['fortnightly', 'lun', '08:00'],
    ]);
    expect(policy.acknowledgement.remindAfter).toEqual({ days: 2, unit: 'business' });
    expect(policy.holidays).toContain('2026-12-25');
  });

  it('names the field of a mistake, and refuses a file that is not JSON', () => {
    expect(() => parseFollowUpPolicy({ version: 1, deadlines: { byType: { queja: { days: 0, unit: 'business' } } } })).toThrow(
      /deadlines\.byType\.queja\.days/,
    );
    expect(() => parseFollowUpPolicy({ version: 1, holidays: ['25/12/2026'] })).toThrow(/holidays\.0: una fecha AAAA-MM-DD/);
    expect(() => parseFollowUpPolicy({ version: 1, deadlines: { byType: { reclamo: { days: 5, unit: 'business' } } } })).toThrow(
      FollowUpPolicyError,
    );
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    writeFileSync(join(dir, 'broken.json'), '{ "version": 1, ');
    expect(() => loadFollowUpPolicy(join(dir, 'broken.json'))).toThrow(/broken\.json/);
  });

  it('picks the most specific term: the console category, the policy category, the type, the default', () => {
    const policy = parseFollowUpPolicy({
      version: 1,
      deadlines: {
        default: { days: 15, unit: 'business' },
        byType: { solicitud_informacion: { days: 10, unit: 'business' } },
        byCategory: { tramites: { days: 30, unit: 'business' } },
      },
      forwarding: { days: 5, unit: 'business' },
    });
    const terms: CaseTerms = { policy, calendar: new BusinessCalendar('America/Mexico_City', hours, policy.holidays), defaultDueDays: 30 };
    const subject = { type: 'queja' as const, categoryCode: 'baches-pavimento', categoryDueDays: null, categoryDueUnit: null };
    expect(termFor(terms, subject)).toMatchObject({ days: 15, unit: 'business', source: 'default' });
    expect(termFor(terms, { ...subject, type: 'solicitud_informacion' })).toMatchObject({ days: 10, source: 'type' });
    expect(termFor(terms, { ...subject, type: 'solicitud_informacion', categoryCode: 'tramites' })).toMatchObject({
      days: 30,
      source: 'policy_category',
    });
    expect(termFor(terms, { ...subject, categoryDueDays: 3, categoryDueUnit: 'business' })).toMatchObject({
      days: 3,
      unit: 'business',
      source: 'category',
    });

    // Monday 23 Nov 2026, 10:00: ten business days end with Monday 7 Dec (no holidays in between).
    const monday = new Date('2026-11-23T16:00:00Z');
    expect(dueDateFor(terms, { ...subject, type: 'solicitud_informacion' }, monday).dueAt).toEqual(new Date('2026-12-08T06:00:00Z'));
    expect(forwardingDeadline(terms, monday)).toEqual(new Date('2026-12-01T06:00:00Z'));
  });

  it('falls back to CASE_DUE_DAYS calendar days when the policy names no default', () => {
    const policy = parseFollowUpPolicy({ version: 1 });
    const terms: CaseTerms = { policy, calendar: new BusinessCalendar('America/Mexico_City', hours, []), defaultDueDays: 20 };
    expect(termFor(terms, { type: 'reporte', categoryCode: 'x', categoryDueDays: null, categoryDueUnit: null })).toMatchObject({
      days: 20,
      unit: 'calendar',
    });
  });
});
