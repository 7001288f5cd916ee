import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseHistory } from '../../src/cases/events.js';
import { emailChannel } from '../../src/channels/email/index.js';
import { caseEvents, cases, conversations, messages } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';

/**
 * Cases staff open for a citizen who phoned or came in: the answer follows the contact the
 * citizen gave — by email when there is an address and the email channel, else by a call the
 * console asks the operator to make.
 */

interface Session {
  cookie: string;
  csrf: string;
}

/** The departments' liaisons get routing sheets (issue 8); these tests are about the citizen's mail. */
const LIAISONS = /^enlace\./;
const OUR_ADDRESS = 'atencion@municipio.example';
let smtp: SmtpReceiver;
const apps: TestApp[] = [];

beforeAll(async () => {
  smtp = await startSmtpReceiver({ ignoreRecipients: LIAISONS });
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await smtp?.stop();
});

async function signIn(app: TestApp): Promise<Session> {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
  expect(res.statusCode).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, csrf: res.json().csrfToken };
}

const client = (app: TestApp, s: Session) => ({
  get: (url: string) => app.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } }),
  post: (url: string, payload: object) =>
    app.app.inject({ method: 'POST', url, payload, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } }),
});

async function openPhoneCase(api: ReturnType<typeof client>, contact: { phone?: string; email?: string }) {
  const opened = await api.post('/api/staff/cases', {
    channel: 'telefono',
    type: 'reporte',
    category: 'baches-pavimento',
    description: 'Bache profundo en la avenida Juárez 400',
    name: 'Marta Ruiz',
    ...contact,
  });
  expect(opened.statusCode).toBe(200);
  const { id, folio } = opened.json().case as { id: number; folio: string };
  expect((await api.post(`/api/staff/cases/${id}/actions`, { kind: 'receive' })).statusCode).toBe(200);
  return { id, folio };
}

describe(`follow-up of cases opened on behalf of a citizen, on ${databaseKind}`, () => {
  it('sends the final answer by email, with the folio in the subject, when the citizen left an address', async () => {
    const app = await createTestApp({
      env: { SMTP_URL: smtp.url, EMAIL_FROM: `Atención Ciudadana <${OUR_ADDRESS}>`, OUTBOX_POLL_MS: '100' },
      channels: [emailChannel],
    });
    apps.push(app);
    await app.start();
    const api = client(app, await signIn(app));
    const { id, folio } = await openPhoneCase(api, { phone: '55 1234 5678', email: 'Marta.Ruiz@Correo.example' });

    const reply = await api.post(`/api/staff/cases/${id}/actions`, { kind: 'reply', text: 'Una cuadrilla revisará el bache esta semana.' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().result.messageId).toEqual(expect.any(Number));
    const closed = await api.post(`/api/staff/cases/${id}/actions`, { kind: 'close', answer: 'El bache quedó reparado el martes.' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().result.pendingContact).toBeUndefined();

    // Staff's answers; the automatic notices (receipt, the survey) carry Auto-Submitted and are tested in tests/follow-up.
    const staffMails = () => smtp.mails.filter((m) => !m.parsed.headers.get('auto-submitted'));
    for (let i = 0; i < 100 && staffMails().length < 2; i += 1) await new Promise((r) => setTimeout(r, 100));
    const mails = staffMails();
    expect(mails.map((m) => m.to)).toEqual([['marta.ruiz@correo.example'], ['marta.ruiz@correo.example']]);
    for (const mail of mails) expect(mail.parsed.subject).toContain(`[${folio}]`);
    expect(mails[1]!.parsed.text).toContain('El bache quedó reparado el martes.');
    expect(mails[1]!.parsed.text).toContain(folio);
    // Staff wrote it: not marked as an automatic reply.
    expect(mails[1]!.parsed.headers.get('auto-submitted')).toBeUndefined();

    // Both answers went through one email conversation, now the case's, keyed by the address.
    const [row] = await app.database.db.select().from(cases).where(eq(cases.id, id));
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.id, row!.conversationId!));
    expect(conversation).toMatchObject({ channel: 'email', channelUserId: 'marta.ruiz@correo.example', citizenId: row!.citizenId });
    const sent = (
      await app.database.db.select().from(messages).where(eq(messages.conversationId, conversation!.id)).orderBy(asc(messages.id))
    ).filter((m) => m.author === 'staff');
    expect(sent.map((m) => [m.direction, m.author, m.caseId])).toEqual([
      ['out', 'staff', id],
      ['out', 'staff', id],
    ]);

    // The case page shows the answers in the timeline and asks for no call.
    const page = (await api.get(`/api/staff/cases/${id}`)).json().case;
    expect(page.pendingContact).toBeNull();
    expect(
      page.timeline.filter(
        (i: { entry: string; channel?: string; author?: string }) => i.entry === 'message' && i.channel === 'email' && i.author === 'staff',
      ),
    ).toHaveLength(2);
    const types = (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, id))).map((e) => e.type);
    expect(types).not.toContain('case.answer_pending_contact');
  });

  it('asks the operator to call when the citizen left only a phone, and keeps the case in the tray until the call is recorded', async () => {
    const app = await createTestApp({ env: { SMTP_URL: smtp.url, EMAIL_FROM: OUR_ADDRESS }, channels: [emailChannel] });
    apps.push(app);
    const api = client(app, await signIn(app));
    const { id, folio } = await openPhoneCase(api, { phone: '55 8765 4321' });

    // Replying no longer fails: it becomes an answer to give by phone.
    const reply = await api.post(`/api/staff/cases/${id}/actions`, { kind: 'reply', text: 'Mañana pasa la cuadrilla.' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().result).toMatchObject({ event: 'case.replied', pendingContact: { phone: '55 8765 4321' } });
    const closed = await api.post(`/api/staff/cases/${id}/actions`, { kind: 'close', answer: 'Reparado.' });
    expect(closed.json().result.pendingContact).toEqual({ phone: '55 8765 4321' });

    const events = await caseHistory(app.database.db, id);
    const pending = events.filter((e) => e.type === 'case.answer_pending_contact');
    expect(pending).toHaveLength(2);
    expect(pending[1]!.data).toMatchObject({ phone: '55 8765 4321', email: null, reason: 'no_email' });
    expect(pending[1]!.data.text).toContain('Reparado.');
    // The call comes after the close in the history.
    expect(events.map((e) => e.type).slice(-2)).toEqual(['case.closed', 'case.answer_pending_contact']);
    expect(await app.database.db.select().from(messages)).toEqual([]);

    const page = (await api.get(`/api/staff/cases/${id}`)).json().case;
    expect(page.status).toBe('cerrado');
    expect(page.pendingContact).toMatchObject({ phone: '55 8765 4321', reason: 'no_email' });
    expect(page.pendingContact.text).toContain(folio);
    // Both the reply and the final answer are owed to the citizen.
    expect(page.pendingContact.text).toContain('Mañana pasa la cuadrilla.');
    // Closed, yet in the tray, marked, until someone records the call.
    const tray = (await api.get('/api/staff/tray')).json().cases;
    expect(tray.find((c: { id: number }) => c.id === id)).toMatchObject({ status: 'cerrado', pendingContact: true });
    expect((await api.get('/api/staff/tray?pendingContact=true')).json().cases.map((c: { id: number }) => c.id)).toEqual([id]);

    expect(
      (await api.post(`/api/staff/cases/${id}/actions`, { kind: 'contacted', note: 'Se le avisó por teléfono a las 10:15.' })).statusCode,
    ).toBe(200);
    expect((await api.get(`/api/staff/cases/${id}`)).json().case.pendingContact).toBeNull();
    expect((await api.get('/api/staff/tray')).json().cases.map((c: { id: number }) => c.id)).not.toContain(id);
  });

  it('asks for a call when the citizen left an email but no email channel is configured', async () => {
    const app = await createTestApp();
    apps.push(app);
    const api = client(app, await signIn(app));
    const { id } = await openPhoneCase(api, { phone: '55 1111 2222', email: 'vecino@correo.example' });
    const rejected = await api.post(`/api/staff/cases/${id}/actions`, { kind: 'reject', reason: 'Corresponde al gobierno estatal.' });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json().result).toMatchObject({ event: 'case.rejected', pendingContact: { phone: '55 1111 2222' } });
    const page = (await api.get(`/api/staff/cases/${id}`)).json().case;
    expect(page).toMatchObject({
      status: 'no_procede',
      conversationId: null,
      pendingContact: { email: 'vecino@correo.example', reason: 'no_email_channel' },
    });
    expect(page.pendingContact.text).toContain('Corresponde al gobierno estatal.');
  });
});
