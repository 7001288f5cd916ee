import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffPrincipal } from '../../src/auth/sessions.js';
import { actOnCase } from '../../src/cases/actions.js';
import { OpenOnBehalfInput, openCaseOnBehalf } from '../../src/cases/open-on-behalf.js';
import { queryRows } from '../../src/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { addStaff, STATS_PASSWORD } from './stats-fixture.js';

const TODAY = new Date('2026-03-10T16:00:00Z');
const DAY = 86_400_000;
const FROM = new Date(TODAY.getTime() - 40 * DAY);
const settings = { folioPrefix: 'AC', defaultDueDays: 30, timeZone: 'America/Mexico_City' };
let app: TestApp;
let cookie: string;
let coordinator: StaffPrincipal;

beforeAll(async () => {
  app = await createTestApp({ now: () => TODAY });
  coordinator = await addStaff(app.database.db, 'coordinacion@muni.test', 'Coordinadora', 'coordinador');
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/staff/login',
    payload: { email: 'coordinacion@muni.test', password: STATS_PASSWORD },
  });
  cookie = String(res.headers['set-cookie']).split(';')[0]!;
});
afterAll(async () => app?.close());

/** What the statistics gave before issue 17's last figure: percentile_cont and avg over every case, rounded to a tenth in Node. */
async function fromTheRows(departmentId: number | null) {
  const days = (end: string) => sql.raw(`round(date_part('epoch', ${end} - created_at) * 1000) / 86400000`);
  const [r] = await queryRows<Record<string, number | null>>(
    app.database.db,
    sql`select count(*)::int as n, avg(${days('closed_at')}) as mean, percentile_cont(0.5) within group (order by ${days('closed_at')}) as median,
        count(${days('first_answered_at')})::int as answered, avg(${days('first_answered_at')}) as answer_mean,
        percentile_cont(0.5) within group (order by ${days('first_answered_at')}) as answer_median
      from cases where status = 'cerrado' and created_at >= ${FROM} and created_at <= ${TODAY}
        ${departmentId === null ? sql`` : sql`and department_id = ${departmentId}`}`,
  );
  const tenths = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
  return {
    toClose: { cases: Number(r!.n), meanDays: tenths(r!.mean), medianDays: tenths(r!.median) },
    toFirstResponse: { cases: Number(r!.answered), meanDays: tenths(r!.answer_mean), medianDays: tenths(r!.answer_median) },
  };
}

describe(`median days on ${databaseKind}`, () => {
  it('are the exact medians to a tenth, whether the middle durations share a tenth or not, over all and per department', async () => {
    // Days to close, added one at a time: odd counts, even counts whose two middle durations fall in
    // different tenths (1.04 and 1.06; 1.06 and 1.17) and in the same one (1.17 and 1.19).
    const durations = [1.04, 1.06, 2.51, 1.17, 0.3, 4.05, 1.19, 3.96];
    const seen = new Set<string>();
    for (const [i, d] of durations.entries()) {
      const openedAt = new Date(FROM.getTime() + (i + 1) * DAY + i * 3_600_123);
      const { case: c } = await openCaseOnBehalf(
        app.database.db,
        coordinator,
        OpenOnBehalfInput.parse({
          description: 'Caso de prueba para medianas',
          name: 'Vecina',
          phone: '5500000000',
          channel: 'telefono',
          type: 'reporte',
          category: i % 2 ? 'agua-drenaje' : 'baches-pavimento',
        }),
        settings,
        openedAt,
      );
      await actOnCase(app.database.db, coordinator, c.id, { kind: 'receive' }, new Date(openedAt.getTime() + 60_000), 'es');
      await actOnCase(
        app.database.db,
        coordinator,
        c.id,
        { kind: 'close', answer: 'Atendido.' },
        new Date(openedAt.getTime() + Math.round(d * DAY)),
        'es',
      );

      const res = await app.app.inject({
        method: 'GET',
        url: `/api/staff/stats?from=${FROM.toISOString()}&to=${TODAY.toISOString()}`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(200);
      const { stats } = res.json();
      const expected = await fromTheRows(null);
      expect(stats.durations).toEqual(expected);
      expect(stats.totals.medianDaysToClose).toBe(expected.toClose.medianDays);
      seen.add(String(expected.toClose.medianDays));
      for (const dept of stats.byDepartment.filter((x: { opened: number }) => x.opened > 0))
        expect(dept.medianDaysToClose).toBe((await fromTheRows(dept.departmentId)).toClose.medianDays);
    }
    // The sequence went through several medians, not one repeated.
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });
});
