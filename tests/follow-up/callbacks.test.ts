import { FOLLOW_UPS } from '../../src/server/app.js';
import { asc, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { parseBusinessHours } from '../../src/business-hours.js';
import { BusinessCalendar } from '../../src/calendar/business-calendar.js';
import { nextStep, type CallbackOutcome } from '../../src/cases/callbacks.js';
import { loadFollowUpPolicy } from '../../src/cases/follow-up/policy.js';
import { caseEvents, cases, departments, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/** Call-backs: every attempt logged, the next action decided by the rules and, when automatic, done once. */

const calendar = new BusinessCalendar('America/Mexico_City', parseBusinessHours('lun-vie 08:00-15:00'), loadFollowUpPolicy().holidays);
const TUESDAY_10 = new Date('2026-11-24T16:00:00Z');
const step = (outcomes: CallbackOutcome[], at = TUESDAY_10) => nextStep(outcomes, at, calendar);

describe('call-back rules', () => {
  it('calls again two office hours after no answer, and after the third failed call asks the citizen by message', () => {
    expect(step([])).toMatchObject({ status: 'open', nextAction: 'call', nextActionAt: TUESDAY_10 });
    expect(step(['no_answer'])).toMatchObject({ nextAction: 'call', nextActionAt: new Date('2026-11-24T18:00:00Z'), instruction: null });
    expect(step(['no_answer'], new Date('2026-11-24T20:30:00Z'))).toMatchObject({
      nextAction: 'call',
      nextActionAt: new Date('2026-11-25T14:00:00Z'),
    }); // 14:30 → Wed 8:00
    expect(step(['no_answer', 'no_answer'])).toMatchObject({ nextAction: 'call' });
    expect(step(['no_answer', 'no_answer', 'no_answer'])).toMatchObject({
      status: 'open',
      nextAction: 'send_message',
      nextActionAt: TUESDAY_10,
    });
  });

  it('leaves a voice message on the first voicemail, reports the second, sends a message on the third', () => {
    expect(step(['voicemail'])).toMatchObject({ nextAction: 'call', instruction: 'leave_voicemail', report: null });
    expect(step(['voicemail', 'voicemail'])).toMatchObject({ nextAction: 'call', instruction: null, report: 'voicemail' });
    expect(step(['voicemail', 'voicemail', 'voicemail'])).toMatchObject({ nextAction: 'send_message', report: 'voicemail' });
    expect(step(['no_answer', 'voicemail', 'no_answer'])).toMatchObject({ nextAction: 'send_message', report: null });
  });

  it('stops calling a wrong number and lists it for the communications office; a reached citizen ends it', () => {
    expect(step(['no_answer', 'wrong_number'])).toMatchObject({
      status: 'closed',
      nextAction: 'communications_office',
      report: 'communications_office',
    });
    expect(step(['voicemail', 'reached'])).toMatchObject({ status: 'done', nextAction: 'none', nextActionAt: null });
  });
});

async function setUp() {
  const clock = { now: TUESDAY_10 };
  const app = await createTestApp({ now: () => clock.now });
  const signIn = async (email: string, password: string) => {
    const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
    const session = { cookie: String(login.headers['set-cookie']).split(';')[0]!, csrf: login.json().csrfToken as string };
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    return {
      post: (url: string, payload: object) => app.app.inject({ method: 'POST', url, payload, headers }),
      get: (url: string) => app.app.inject({ method: 'GET', url, headers }),
    };
  };
  return { app, clock, admin: await signIn(ADMIN.email, ADMIN.password), signIn };
}

const types = async (app: TestApp, caseId: number) =>
  (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id))).map((e) => e.type);

describe(`call-backs through the console API, on ${databaseKind}`, () => {
  it('opens a call-back by itself for an answer that must be given by phone, and keeps the message as a task when nobody can be written to', async () => {
    const { app, clock, admin } = await setUp();
    try {
      const opened = (
        await admin.post('/api/staff/cases', {
          channel: 'redes',
          type: 'queja',
          category: 'recoleccion-basura',
          description: 'Queja de Facebook: no pasa la basura',
          name: 'Pedro',
          phone: '55 1111 2222',
        })
      ).json().case as { id: number };
      await admin.post(`/api/staff/cases/${opened.id}/actions`, { kind: 'receive' });
      await admin.post(`/api/staff/cases/${opened.id}/actions`, { kind: 'close', answer: 'El camión pasará el jueves.' });
      await app.queue.runDue(FOLLOW_UPS);

      const list = (await admin.get('/api/staff/callbacks')).json();
      expect(list.open).toHaveLength(1);
      expect(list.open[0]).toMatchObject({
        caseId: opened.id,
        phone: '55 1111 2222',
        nextAction: 'call',
        reason: 'answer_pending_contact',
      });
      const id = list.open[0].id as number;

      for (const outcome of ['no_answer', 'no_answer']) {
        const res = await admin.post(`/api/staff/callbacks/${id}/attempts`, { outcome });
        expect(res.json().step).toMatchObject({ nextAction: 'call' });
      }
      clock.now = new Date('2026-11-25T15:00:00Z');
      expect(
        (await admin.post(`/api/staff/callbacks/${id}/attempts`, { outcome: 'no_answer', note: 'Fuera de área' })).json().step,
      ).toMatchObject({ nextAction: 'send_message' });
      await app.queue.runDue(FOLLOW_UPS);
      await app.queue.runDue(FOLLOW_UPS);
      const history = await types(app, opened.id);
      expect(history.filter((t) => t === 'callback.attempted')).toHaveLength(3);
      expect(history.filter((t) => t === 'callback.action_taken')).toHaveLength(1);
      const task = (await admin.get('/api/staff/callbacks')).json().open[0];
      expect(task).toMatchObject({ nextAction: 'send_message', failedCalls: 3 }); // an SMS for a person to send
    } finally {
      await app.close();
    }
  });

  it("sends the message asking to call back on the citizen's web chat, exactly once, and lists voicemails and wrong numbers", async () => {
    const { app, admin } = await setUp();
    try {
      const say = (text: string, n: number) =>
        app.conversations.receive(
          InboundMessage.parse({
            channel: 'web',
            channelUserId: 'v',
            conversationKey: 'v',
            externalId: `m${n}`,
            text,
            receivedAt: TUESDAY_10,
          }),
        );
      let conversationId = '';
      for (const [n, text] of [
        'Hay un bache enorme frente a la escuela de la calle Hidalgo 123',
        'Juan Pérez',
        '55 1234 5678',
        'omitir',
        'sí',
      ].entries())
        conversationId = (await say(text, n)).conversationId;
      const [row] = await app.database.db
        .select()
        .from(cases)
        .where(eq(cases.conversationId, conversationId))
        .orderBy(desc(cases.id))
        .limit(1);
      const callback = (await admin.post(`/api/staff/cases/${row!.id}/callbacks`, { reason: 'Confirmar la ubicación exacta' })).json()
        .callback;
      expect((await admin.post(`/api/staff/cases/${row!.id}/callbacks`, {})).json().callback.id).toBe(callback.id); // one open at a time

      expect((await admin.post(`/api/staff/callbacks/${callback.id}/attempts`, { outcome: 'voicemail' })).json().step).toMatchObject({
        instruction: 'leave_voicemail',
      });
      expect((await admin.post(`/api/staff/callbacks/${callback.id}/attempts`, { outcome: 'voicemail' })).json().step).toMatchObject({
        report: 'voicemail',
      });
      expect((await admin.get('/api/staff/callbacks')).json().voicemailReport.map((c: { id: number }) => c.id)).toEqual([callback.id]);
      await admin.post(`/api/staff/callbacks/${callback.id}/attempts`, { outcome: 'voicemail' });
      await app.queue.runDue(FOLLOW_UPS);
      await app.queue.runDue(FOLLOW_UPS);
      const asked = (await app.conversations.history(conversationId)).filter((m) => m.text.includes('Intentamos llamarle varias veces'));
      expect(asked).toHaveLength(1);
      expect((await admin.get('/api/staff/callbacks')).json().open).toHaveLength(0);
      expect((await admin.post(`/api/staff/callbacks/${callback.id}/attempts`, { outcome: 'reached' })).statusCode).toBe(409);

      const second = (await admin.post(`/api/staff/cases/${row!.id}/callbacks`, {})).json().callback;
      await admin.post(`/api/staff/callbacks/${second.id}/attempts`, { outcome: 'wrong_number', note: 'Contestó otra persona' });
      expect((await admin.get('/api/staff/callbacks')).json().communicationsOffice.map((c: { id: number }) => c.id)).toEqual([second.id]);
      expect((await types(app, row!.id)).filter((t) => t.startsWith('callback.'))).toEqual([
        'callback.requested',
        'callback.attempted',
        'callback.attempted',
        'callback.attempted',
        'callback.action_taken',
        'callback.requested',
        'callback.attempted',
      ]);
    } finally {
      await app.close();
    }
  });

  it("hides another department's call-backs from department staff", async () => {
    const { app, admin, signIn } = await setUp();
    try {
      const [agua] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
      await app.database.db.insert(staffUsers).values({
        email: 'resp.agua@muni.test',
        name: 'Responsable Agua',
        role: 'responsable',
        departmentId: agua!.id,
        passwordHash: await hashPassword('clave-segura-agua'),
      });
      const opened = (
        await admin.post('/api/staff/cases', {
          channel: 'telefono',
          type: 'reporte',
          category: 'alumbrado-publico',
          description: 'Lámpara',
          name: 'Ana',
          phone: '55 2222 3333',
        })
      ).json().case as { id: number };
      const callback = (await admin.post(`/api/staff/cases/${opened.id}/callbacks`, {})).json().callback;
      const water = await signIn('resp.agua@muni.test', 'clave-segura-agua');
      expect((await water.post(`/api/staff/cases/${opened.id}/callbacks`, {})).statusCode).toBe(404);
      expect((await water.post(`/api/staff/callbacks/${callback.id}/attempts`, { outcome: 'reached' })).statusCode).toBe(404);
      expect((await water.get('/api/staff/callbacks')).json().open).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
