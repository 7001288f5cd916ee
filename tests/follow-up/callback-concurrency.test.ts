import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents, callbackAttempts } from '../../src/db/schema.js';
import { FOLLOW_UPS } from '../../src/server/app.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/**
 * Operators logging calls on the same call-back at once, while the queue runs the message the
 * third failed call asks for: every attempt is either logged or refused as closed, never a 500
 * (on PostgreSQL the two paths used to lock case and call-back in opposite orders and deadlock).
 */

const TUESDAY_10 = new Date('2026-11-24T16:00:00Z');
const ATTEMPTS = 160;

let app: TestApp;
let headers: Record<string, string>;

beforeAll(async () => {
  app = await createTestApp({ now: () => TUESDAY_10 });
  const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
  headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': login.json().csrfToken as string };
});
afterAll(async () => app?.close());

const post = (url: string, payload: object) => app.app.inject({ method: 'POST', url, payload, headers });

describe(`concurrent call-back attempts on ${databaseKind}`, () => {
  it(`logs ${ATTEMPTS} simultaneous attempts without a deadlock while the call-back message job runs`, async () => {
    const opened = await post('/api/staff/cases', {
      channel: 'telefono',
      type: 'reporte',
      category: 'alumbrado-publico',
      description: 'Lámpara fundida en la calle Juárez 10',
      name: 'Pedro',
      phone: '55 1111 2222',
    });
    expect(opened.statusCode).toBe(200);
    const caseId = opened.json().case.id as number;
    const callback = (await post(`/api/staff/cases/${caseId}/callbacks`, { reason: 'Confirmar el domicilio' })).json().callback as {
      id: number;
    };

    let attemptsDone = false;
    // The queue runs the call-back message as soon as the third failed call enqueues it, as a started server does.
    const worker = (async () => {
      while (!attemptsDone) {
        await app.queue.runDue(FOLLOW_UPS);
        // PGlite answers within microtasks; without a turn of the event loop the requests would never be read.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await app.queue.runDue(FOLLOW_UPS);
    })();
    const responses = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) =>
        post(`/api/staff/callbacks/${callback.id}/attempts`, { outcome: i % 2 ? 'no_answer' : 'voicemail', note: `llamada ${i}` }),
      ),
    );
    attemptsDone = true;
    await worker;

    const statuses = responses.map((r) => r.statusCode);
    const failures = responses.filter((r) => r.statusCode !== 200).map((r) => `${r.statusCode} ${r.body}`);
    expect(failures).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(ATTEMPTS);

    const logged = await app.database.db.select().from(callbackAttempts).where(eq(callbackAttempts.callbackId, callback.id));
    expect(logged).toHaveLength(ATTEMPTS);
    const events = (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId))).map((e) => e.type);
    expect(events.filter((t) => t === 'callback.attempted')).toHaveLength(ATTEMPTS);
    // Nobody can be written to on this case: the message stays a task for a person, recorded once.
    expect(events.filter((t) => t === 'callback.action_taken')).toHaveLength(1);
    // Attempt numbers are each counted once: no two transactions saw the same history.
    const numbers = (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)))
      .filter((e) => e.type === 'callback.attempted')
      .map((e) => (e.data as { attempt: number }).attempt)
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: ATTEMPTS }, (_, i) => i + 1));
  });
});
