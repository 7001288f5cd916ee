import { DELIVERIES, FOLLOW_UPS } from '../../src/server/app.js';
import { asc, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailChannel } from '../../src/channels/email/index.js';
import { parseSurveyAnswer } from '../../src/cases/satisfaction.js';
import { caseEvents, cases, caseSurveys, departments } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';

/** The citizen hears what happens to their case on their own channel, and is asked whether it was solved. */

const FROM = 'Atención Ciudadana <atencion@municipio.example>';
const REPORT = ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'Juan Pérez', '55 1234 5678', 'omitir', 'sí'];
let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver({ ignoreRecipients: /^(enlace\.|admin@)/ });
});
afterAll(async () => smtp?.stop());

async function setUp(withEmail: boolean) {
  smtp.mails.length = 0;
  const clock = { now: new Date('2026-11-24T16:00:00Z') };
  const app = await createTestApp({
    env: withEmail ? { SMTP_URL: smtp.url, EMAIL_FROM: FROM } : {},
    channels: withEmail ? [emailChannel] : [],
    now: () => clock.now,
  });
  const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
  const session = { cookie: String(login.headers['set-cookie']).split(';')[0]!, csrf: login.json().csrfToken as string };
  const act = async (caseId: number, action: object) => {
    const res = await app.app.inject({
      method: 'POST',
      url: `/api/staff/cases/${caseId}/actions`,
      payload: action,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    });
    expect(res.statusCode, res.body).toBe(200);
    await app.queue.runDue(FOLLOW_UPS);
    await app.queue.runDue(DELIVERIES);
  };
  const post = (url: string, payload: object) =>
    app.app.inject({ method: 'POST', url, payload, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
  let n = 0;
  const say = async (text: string, extra: Partial<InboundMessage> = {}) => {
    n += 1;
    const result = await app.conversations.receive(
      InboundMessage.parse({
        channel: 'web',
        channelUserId: 'vecina-1',
        conversationKey: 'vecina-1',
        externalId: `m-${n}`,
        text,
        receivedAt: clock.now,
        ...extra,
      }),
    );
    return result;
  };
  const types = async (caseId: number) =>
    (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id))).map((e) => e.type);
  const get = (url: string) => app.app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
  return { app, clock, act, post, get, say, types };
}

async function webChatCase(app: TestApp, say: (text: string) => Promise<{ conversationId: string }>) {
  let conversationId = '';
  for (const text of REPORT) conversationId = (await say(text)).conversationId;
  const [row] = await app.database.db.select().from(cases).where(eq(cases.conversationId, conversationId)).orderBy(desc(cases.id)).limit(1);
  return { caseRow: row!, conversationId };
}

const botTexts = async (app: TestApp, conversationId: string) =>
  (await app.conversations.history(conversationId)).filter((m) => m.direction === 'out').map((m) => m.text);

describe(`citizen notices and the satisfaction survey, on ${databaseKind}`, () => {
  it('tells a web chat citizen each step, asks after the answer, and reopens the case on "no se resolvió"', async () => {
    const { app, clock, act, say, types } = await setUp(false);
    try {
      const { caseRow, conversationId } = await webChatCase(app, say);
      const obras = (await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable')))[0]!;
      await act(caseRow.id, { kind: 'receive' });
      await act(caseRow.id, { kind: 'status', status: 'en_seguimiento' });
      await act(caseRow.id, { kind: 'derive_department', departmentId: obras.id, note: 'Hay una fuga bajo el bache' });
      await act(caseRow.id, { kind: 'receive' });
      await act(caseRow.id, { kind: 'close', answer: 'Se reparó la fuga y se tapó el bache.' });

      const texts = await botTexts(app, conversationId);
      const after = texts.slice(texts.findIndex((t) => t.includes('ya fue recibido')));
      expect(after[0]).toMatch(new RegExp(`Su caso ${caseRow.folio} ya fue recibido por Dirección de Obras Públicas`));
      expect(after.some((t) => t.includes('está en seguimiento'))).toBe(true);
      expect(after.some((t) => t.includes('se turnó a Organismo Operador de Agua Potable y Drenaje'))).toBe(true);
      expect(after.filter((t) => t.includes('ya fue recibido'))).toHaveLength(2); // by each department
      expect(after.at(-2)).toContain('Se reparó la fuga');
      expect(after.at(-1)).toContain(`¿Se resolvió su caso ${caseRow.folio}?`);
      const history = await app.conversations.history(conversationId);
      expect(history.at(-1)!.prompt?.options.map((o) => o.id)).toEqual([
        'survey:5',
        'survey:4',
        'survey:3',
        'survey:2',
        'survey:1',
        'survey:unsolved',
      ]);

      clock.now = new Date('2026-11-28T16:00:00Z');
      const reply = await say('No se resolvió, sigue saliendo agua');
      expect(reply.replies.map((r) => r.text).join(' ')).toContain(`Reabrimos su caso ${caseRow.folio}`);
      const [reopened] = await app.database.db.select().from(cases).where(eq(cases.id, caseRow.id));
      expect(reopened).toMatchObject({ status: 'en_seguimiento', closedAt: null });
      expect(reopened!.dueAt.getTime()).toBe(new Date('2026-12-28T16:00:00Z').getTime());
      const history2 = await types(caseRow.id);
      expect(history2.filter((t) => t === 'follow_up.citizen_notified').length).toBeGreaterThanOrEqual(5);
      expect(history2.slice(-2)).toEqual(['case.survey_answered', 'case.reopened']);

      // An ordinary message afterwards goes to the dialog again.
      const later = await say('hola');
      expect(later.replies.length).toBeGreaterThan(0);
      expect(later.replies.map((r) => r.text).join(' ')).not.toContain('calificación');
    } finally {
      await app.close();
    }
  });

  it('records a rating, and after the reopening period says the case cannot be reopened', async () => {
    const { app, clock, act, get, say } = await setUp(false);
    try {
      const { caseRow } = await webChatCase(app, say);
      await act(caseRow.id, { kind: 'receive' });
      await act(caseRow.id, { kind: 'close', answer: 'Listo.' });
      const rated = await say('4 Buena', { choice: 'survey:4' }); // a button press carries its label and id
      expect(rated.replies[0]!.text).toContain('Gracias por su calificación');
      const [survey] = await app.database.db.select().from(caseSurveys).where(eq(caseSurveys.caseId, caseRow.id));
      expect(survey).toMatchObject({ solved: true, rating: 4 });

      const second = await webChatCase(app, say);
      await act(second.caseRow.id, { kind: 'receive' });
      await act(second.caseRow.id, { kind: 'close', answer: 'Atendido.' });
      clock.now = new Date('2026-12-02T16:00:01Z'); // 8 days later
      const late = await say('no');
      expect(late.replies[0]!.text).toContain('no podemos reabrir');
      expect((await app.database.db.select().from(cases).where(eq(cases.id, second.caseRow.id)))[0]!.status).toBe('cerrado');
      const stats = (await get('/api/staff/stats')).json().stats;
      expect(stats.satisfaction).toEqual({
        answered: 2,
        averageRating: 4,
        byRating: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 },
        unsolved: 1,
        reopened: 0,
      });
    } finally {
      await app.close();
    }
  });

  it("sends the notices by email for a case opened by phone with the citizen's address", async () => {
    const { app, act, post } = await setUp(true);
    try {
      const opened = await post('/api/staff/cases', {
        channel: 'telefono',
        type: 'reporte',
        category: 'baches-pavimento',
        description: 'Bache en la calle 3',
        name: 'Marta Ruiz',
        email: 'marta@correo.example',
      });
      const { id, folio } = opened.json().case as { id: number; folio: string };
      await act(id, { kind: 'receive' });
      await act(id, { kind: 'close', answer: 'Se tapó el bache.' });
      const mails = await smtp.waitFor(3);
      const bodies = mails.filter((m) => m.to.includes('marta@correo.example')).map((m) => String(m.parsed.text));
      expect(bodies[0]).toContain(`Su caso ${folio} ya fue recibido`);
      expect(bodies.some((b) => b.includes('Se tapó el bache.'))).toBe(true);
      expect(bodies.some((b) => b.includes(`¿Se resolvió su caso ${folio}?`))).toBe(true);

      // Her reply by mail (the quoted question trimmed by the channel) answers the survey.
      const reply = await app.conversations.receive({
        kind: 'document',
        channel: 'email',
        channelUserId: 'marta@correo.example',
        externalId: '<respuesta-1@correo.example>',
        receivedAt: new Date('2026-11-25T16:00:00Z'),
        senderName: 'Marta Ruiz',
        subject: `Re: ${folio}`,
        text: '5',
        attachments: [],
        rejectedAttachments: [],
        threadKey: `marta@correo.example ${folio}`,
        repliesTo: [],
        noAnswer: undefined,
        undeliverable: [],
        answersPerHour: 5,
        maxAttachmentBytes: 10_000_000,
        payload: {},
      });
      expect(reply.replies.map((r) => r.text).join(' ')).toContain('Gracias por su calificación');
      const [survey] = await app.database.db.select().from(caseSurveys).where(eq(caseSurveys.caseId, id));
      expect(survey).toMatchObject({ solved: true, rating: 5 });
    } finally {
      await app.close();
    }
  });
});

describe('reading survey answers', () => {
  it('takes buttons, digits and "no se resolvió", and leaves other messages to the dialog', () => {
    expect(parseSurveyAnswer('', 'survey:unsolved')).toEqual({ solved: false, rating: null });
    expect(parseSurveyAnswer('', 'survey:3')).toEqual({ solved: true, rating: 3 });
    expect(parseSurveyAnswer('5 estrellas')).toEqual({ solved: true, rating: 5 });
    expect(parseSurveyAnswer('le doy un 4')).toEqual({ solved: true, rating: 4 });
    expect(parseSurveyAnswer('NO SE RESOLVIÓ')).toEqual({ solved: false, rating: null });
    expect(parseSurveyAnswer('no, sigue igual')).toEqual({ solved: false, rating: null });
    expect(parseSurveyAnswer('Hay otro bache en la calle 5 y la 3')).toBeNull();
    expect(parseSurveyAnswer('hola')).toBeNull();
  });
});
