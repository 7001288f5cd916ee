import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactErrorMessage, serializeErrorForLog } from '../../src/server/log-redaction.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';

/** A failing query's log line must say what failed, not what the citizen wrote. */

let app: TestApp;
let token: string;
const lines: string[] = [];
const CITIZEN_TEXT = 'Me llamo Rosa Elena Quintana y vivo en Privada Los Sauces 48';

beforeAll(async () => {
  app = await createTestApp({ env: { LOG_LEVEL: 'info' }, logStream: { write: (line) => void lines.push(line) } });
  token = (await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN })).json().token;
});
afterAll(async () => app?.close());

const post = (url: string, payload: object) =>
  app.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });

describe('error logs', () => {
  it('log a query that fails with a citizen’s text without the text, and still say which query failed', async () => {
    const opened = await post('/api/staff/cases', {
      channel: 'telefono',
      type: 'queja',
      category: 'baches-pavimento',
      description: 'Bache frente a la escuela',
      phone: '55 1111 2222',
    });
    const caseId = opened.json().case.id;
    // A fault inside the database while the note (the citizen's words, as staff took them down) is written.
    await app.database.db.execute(sql`alter table case_events rename to case_events_away`);
    lines.length = 0;
    let failed: Awaited<ReturnType<typeof post>>;
    try {
      failed = await post(`/api/staff/cases/${caseId}/actions`, { kind: 'note', text: CITIZEN_TEXT });
    } finally {
      await app.database.db.execute(sql`alter table case_events_away rename to case_events`);
    }
    expect(failed.statusCode).toBe(500);
    const log = lines.join('');
    const errorLine = lines
      .map((l) => JSON.parse(l) as { level: number; err?: { message: string; stack: string } })
      .find((l) => l.level >= 50);
    expect(errorLine?.err?.message).toMatch(/Failed query: insert into "case_events"/);
    expect(errorLine?.err?.stack).toMatch(/\n {4}at /);
    expect(log).not.toContain('Rosa Elena');
    expect(log).not.toContain('Sauces');
    expect(log).not.toContain('params');
  });

  it('keep PostgreSQL’s names and drop the values it quotes', () => {
    expect(redactErrorMessage('invalid input syntax for type integer: "Rosa Elena"')).toBe('invalid input syntax for type integer: "…"');
    expect(
      redactErrorMessage(
        'duplicate key value violates unique constraint "staff_users_email_unique"',
        new Set(['staff_users_email_unique']),
      ),
    ).toBe('duplicate key value violates unique constraint "staff_users_email_unique"');
    expect(redactErrorMessage(`Failed query: select * from "cases" where "description" = 'Rosa'\nparams: Rosa,48`)).toBe(
      `Failed query: select * from "cases" where "description" = '…'`,
    );
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint "citizens_email_key"'), {
      code: '23505',
      constraint: 'citizens_email_key',
      detail: 'Key (email)=(rosa@example.mx) already exists.',
      where: 'rosa',
    });
    const wrapped = Object.assign(new Error('Failed query: insert into "citizens" ("email") values ($1)\nparams: rosa@example.mx'), {
      cause: pgError,
      params: ['rosa@example.mx'],
      query: 'insert into "citizens" ("email") values ($1)',
    });
    const logged = JSON.stringify(serializeErrorForLog(wrapped));
    expect(logged).not.toContain('rosa');
    expect(logged).toContain('23505');
    expect(logged).toContain('citizens_email_key');
  });
});
