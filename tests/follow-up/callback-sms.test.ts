import ExcelJS from 'exceljs';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { smsChannel } from '../../src/channels/sms/index.js';
import { auditLog, callbacks, caseEvents, departments, staffUsers } from '../../src/db/schema.js';
import { DELIVERIES, FOLLOW_UPS } from '../../src/server/app.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { startAndroidGateway, startTwilio, type TwilioStandIn } from '../helpers/sms-gateways.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';
import { readCsv } from '../reports/csv-reader.js';

/** Issue 18: the phone centre's rules send their SMS; the wrong numbers go to the communications office. */

const ACCOUNT = `AC${'b2'.repeat(16)}`;
const AUTH_TOKEN = 'token-de-prueba-twilio';
const OFFICE = 'comunicacion.social@municipio.example';
/** A Tuesday, 10:00 in Mexico City. */
const TUESDAY_10 = new Date('2026-11-24T16:00:00Z');
/** The Monday after, 08:05 in Mexico City: the wrong-number list has just come due. */
const NEXT_MONDAY = new Date('2026-11-30T14:05:00Z');

async function signIn(app: TestApp, email: string, password: string) {
  const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': login.json().csrfToken as string };
  return {
    post: (url: string, payload: object = {}) => app.app.inject({ method: 'POST', url, payload, headers }),
    get: (url: string) => app.app.inject({ method: 'GET', url, headers }),
  };
}
type Staff = Awaited<ReturnType<typeof signIn>>;

async function openByPhone(staff: Staff, phone: string, name: string): Promise<{ caseId: number; folio: string; callbackId: number }> {
  const opened = (
    await staff.post('/api/staff/cases', {
      channel: 'telefono',
      type: 'queja',
      category: 'recoleccion-basura',
      description: 'No pasa el camión de la basura desde hace una semana',
      name,
      phone,
    })
  ).json().case as { id: number; folio: string };
  const callback = (await staff.post(`/api/staff/cases/${opened.id}/callbacks`, { reason: 'Confirmar la dirección' })).json().callback;
  return { caseId: opened.id, folio: opened.folio, callbackId: callback.id };
}

const eventsOf = async (app: TestApp, caseId: number) =>
  app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id));

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(`call-backs with SMS configured (Twilio stand-in), on ${databaseKind}`, () => {
  let twilio: TwilioStandIn;
  let smtp: SmtpReceiver;
  let app: TestApp;
  let admin: Staff;
  const clock = { now: TUESDAY_10 };
  let wrong: { caseId: number; folio: string; callbackId: number };

  beforeAll(async () => {
    twilio = await startTwilio({ accountSid: ACCOUNT, authToken: AUTH_TOKEN });
    smtp = await startSmtpReceiver();
    app = await createTestApp({
      channels: [smsChannel],
      now: () => clock.now,
      env: {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: '+525500000001',
        TWILIO_API_ROOT: twilio.url,
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'Atención Ciudadana <atencion@municipio.example>',
        PUBLIC_URL: 'https://ventanilla.municipio.example',
        COMMUNICATIONS_OFFICE_EMAIL: OFFICE,
      },
    });
    await app.followUp.ensureScheduled(clock.now);
    admin = await signIn(app, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await app?.close();
    await twilio?.close();
    await smtp?.stop();
  });

  it('sends the SMS itself on the third voicemail, through the gateway, and records it on the case', async () => {
    const opened = await openByPhone(admin, '55 1111 2222', 'Pedro Ramírez');
    const steps = [];
    for (let i = 0; i < 3; i++)
      steps.push((await admin.post(`/api/staff/callbacks/${opened.callbackId}/attempts`, { outcome: 'voicemail' })).json().step);
    expect(steps.map((s) => s.nextAction)).toEqual(['call', 'call', 'send_message']);
    // Until the rule runs the SMS is on its way, not the operator's to send.
    const pending = (await admin.get('/api/staff/callbacks')).json().open.find((c: { id: number }) => c.id === opened.callbackId);
    expect(pending).toMatchObject({ nextAction: 'send_message', messageLeftToStaff: false });

    await app.queue.runDue(FOLLOW_UPS);
    await app.queue.runDue(DELIVERIES);
    const sms = twilio.sent.filter((m) => m.To === '+525511112222');
    expect(sms).toHaveLength(1);
    expect(sms[0]!.Body).toContain(opened.folio);
    expect(sms[0]!.Body).toContain('Municipio de Prueba');

    const taken = (await eventsOf(app, opened.caseId)).filter((e) => e.type === 'callback.action_taken');
    expect(taken).toHaveLength(1);
    expect(taken[0]!.data).toMatchObject({ callbackId: opened.callbackId, action: 'send_message', channel: 'sms' });
    const [callback] = await app.database.db.select().from(callbacks).where(eq(callbacks.id, opened.callbackId));
    expect(callback).toMatchObject({ status: 'closed', nextAction: 'none' });
    // Running the rules again sends nothing more.
    await app.queue.runDue(FOLLOW_UPS);
    await app.queue.runDue(DELIVERIES);
    expect(twilio.sent.filter((m) => m.To === '+525511112222')).toHaveLength(1);
  });

  it('lists a wrong number, mails the week’s list to the communications office on Monday, with the list attached', async () => {
    wrong = await openByPhone(admin, '55 3333 4444', 'Lucía Gómez');
    await admin.post(`/api/staff/callbacks/${wrong.callbackId}/attempts`, { outcome: 'wrong_number', note: 'Contestó otra persona' });

    clock.now = NEXT_MONDAY;
    await app.queue.runDue(FOLLOW_UPS);
    await app.queue.runDue(FOLLOW_UPS);
    const mail = await until(async () => smtp.mails.find((m) => m.to.includes(OFFICE)), 'the wrong-number mail');
    expect(mail.parsed.subject).toBe('Números equivocados de la semana: 1');
    expect(mail.parsed.text).toContain(wrong.folio);
    expect(mail.parsed.text).toContain('55 3333 4444');
    expect(mail.parsed.html).toContain('Lucía Gómez');
    const [csv] = mail.parsed.attachments;
    expect(csv!.filename).toBe('numeros-equivocados-2026-11-30.csv');
    const text = csv!.content.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = readCsv(text.slice(1));
    expect(rows[0]).toEqual(['Folio', 'Ciudadano', 'Teléfono equivocado', 'Dependencia', 'Marcado el', 'Nota del operador']);
    expect(rows.slice(1)).toEqual([
      [wrong.folio, 'Lucía Gómez', '55 3333 4444', expect.any(String), '2026-11-24 10:00', 'Contestó otra persona'],
    ]);
  });

  it('exports the wrong-number list as CSV and XLSX that read back, each download audited; department staff may not', async () => {
    const csv = await admin.get('/api/staff/callbacks/wrong-numbers.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/numeros-equivocados-2026-11-30\.csv/);
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const rows = readCsv(csv.body.slice(1));
    expect(rows).toHaveLength(2);
    expect(rows[1]!.slice(0, 3)).toEqual([wrong.folio, 'Lucía Gómez', '55 3333 4444']);

    const xlsx = await admin.get('/api/staff/callbacks/wrong-numbers.xlsx');
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Números equivocados')!;
    expect(sheet.getRow(1).getCell(3).value).toBe('Teléfono equivocado');
    expect([2, 3].map((c) => sheet.getRow(2).getCell(c).value)).toEqual(['Lucía Gómez', '55 3333 4444']);
    expect(sheet.rowCount).toBe(2);

    const audits = await until(async () => {
      const found = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'wrong_numbers.exported'));
      return found.length === 2 ? found : undefined;
    }, 'two audit lines');
    expect(audits.map((a) => JSON.parse(a.subjectId))).toEqual([
      expect.objectContaining({ format: 'csv', rows: 1, complete: true }),
      expect.objectContaining({ format: 'xlsx', rows: 1, complete: true }),
    ]);

    const [agua] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
    await app.database.db.insert(staffUsers).values({
      email: 'resp.agua@muni.test',
      name: 'Responsable Agua',
      role: 'responsable',
      departmentId: agua!.id,
      passwordHash: await hashPassword('clave-segura-agua'),
    });
    const water = await signIn(app, 'resp.agua@muni.test', 'clave-segura-agua');
    expect((await water.get('/api/staff/callbacks/wrong-numbers.csv')).statusCode).toBe(403);
  });
});

describe(`call-backs without SMS, on ${databaseKind}`, () => {
  it('leaves the SMS to the operators, who mark it sent, closing the call-back once', async () => {
    const clock = { now: TUESDAY_10 };
    const app = await createTestApp({ now: () => clock.now });
    try {
      const admin = await signIn(app, ADMIN.email, ADMIN.password);
      const opened = await openByPhone(admin, '55 1111 2222', 'Pedro');
      for (const outcome of ['no_answer', 'no_answer', 'no_answer'])
        await admin.post(`/api/staff/callbacks/${opened.callbackId}/attempts`, { outcome, note: 'Fuera de área' });
      await app.queue.runDue(FOLLOW_UPS);
      const task = (await admin.get('/api/staff/callbacks')).json().open.find((c: { id: number }) => c.id === opened.callbackId);
      expect(task).toMatchObject({ nextAction: 'send_message', messageLeftToStaff: true });
      const manual = (await eventsOf(app, opened.caseId)).find((e) => e.type === 'callback.action_taken');
      expect(manual!.data).toMatchObject({ manual: true, phone: '55 1111 2222' });

      const done = await admin.post(`/api/staff/callbacks/${opened.callbackId}/message-sent`);
      expect(done.statusCode).toBe(200);
      expect(done.json().callback).toMatchObject({ status: 'closed', nextAction: 'none' });
      expect((await admin.get('/api/staff/callbacks')).json().open.map((c: { id: number }) => c.id)).not.toContain(opened.callbackId);
      const sentByHand = (await eventsOf(app, opened.caseId)).filter((e) => e.type === 'callback.message_sent_by_hand');
      expect(sentByHand).toHaveLength(1);
      expect(sentByHand[0]!.data).toMatchObject({ callbackId: opened.callbackId, phone: '55 1111 2222', by: expect.any(String) });
      expect((await admin.post(`/api/staff/callbacks/${opened.callbackId}/message-sent`)).statusCode).toBe(409);

      // A call-back still being called has no SMS to mark.
      const other = await openByPhone(admin, '55 5555 6666', 'Ana');
      expect((await admin.post(`/api/staff/callbacks/${other.callbackId}/message-sent`)).statusCode).toBe(409);
      expect(
        await app.database.db
          .select()
          .from(caseEvents)
          .where(and(eq(caseEvents.caseId, other.caseId), eq(caseEvents.type, 'callback.message_sent_by_hand'))),
      ).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe(`notices by SMS to phone-only citizens (opt-in, Android gateway stand-in), on ${databaseKind}`, () => {
  it('sends the automatic notices by SMS when SMS_CITIZEN_NOTICES is on, and leaves the final answer to a call and the survey unsent', async () => {
    const gateway = await startAndroidGateway({ user: 'sms', password: 'contraseña-del-gateway', signingKey: 'clave' });
    const app = await createTestApp({
      channels: [smsChannel],
      now: () => TUESDAY_10,
      env: {
        SMS_PROVIDER: 'android-sms-gateway',
        SMS_GATEWAY_URL: gateway.url,
        SMS_GATEWAY_USER: 'sms',
        SMS_GATEWAY_PASSWORD: 'contraseña-del-gateway',
        SMS_GATEWAY_SIGNING_KEY: 'clave',
        SMS_CITIZEN_NOTICES: 'true',
      },
    });
    try {
      const admin = await signIn(app, ADMIN.email, ADMIN.password);
      const opened = (
        await admin.post('/api/staff/cases', {
          channel: 'telefono',
          type: 'reporte',
          category: 'alumbrado-publico',
          description: 'Lámpara fundida en la esquina',
          name: 'Ana',
          phone: '55 2222 3333',
        })
      ).json().case as { id: number; folio: string };
      await admin.post(`/api/staff/cases/${opened.id}/actions`, { kind: 'receive' });
      await app.queue.runDue(FOLLOW_UPS);
      await app.queue.runDue(DELIVERIES);
      const notices = gateway.sent.filter((m) => m.phoneNumbers[0] === '+525522223333');
      expect(notices).toHaveLength(1);
      expect(notices[0]!.textMessage.text).toContain(opened.folio);
      const notified = (await eventsOf(app, opened.id)).find((e) => e.type === 'follow_up.citizen_notified');
      expect(notified!.data).toMatchObject({ about: 'case.received', channel: 'sms' });

      await admin.post(`/api/staff/cases/${opened.id}/actions`, { kind: 'close', answer: 'Se cambió la lámpara el martes.' });
      await app.queue.runDue(FOLLOW_UPS);
      await app.queue.runDue(DELIVERIES);
      expect(gateway.sent.filter((m) => m.phoneNumbers[0] === '+525522223333')).toHaveLength(1);
      expect((await eventsOf(app, opened.id)).map((e) => e.type)).toContain('case.answer_pending_contact');
    } finally {
      await app.close();
      await gateway.close();
    }
  });
});
