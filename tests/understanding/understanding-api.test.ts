import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { attentionLog, auditLog, labelledExamples, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
let n = 0;

/** One citizen message through the whole pipeline, as any channel delivers it. */
const say = (conversation: string, text: string, extra: { choice?: string; channel?: string } = {}) =>
  app.conversations.receive(
    InboundMessage.parse({
      channel: extra.channel ?? 'telegram',
      channelUserId: conversation,
      conversationKey: conversation,
      externalId: `m${++n}`,
      text,
      receivedAt: OFFICE_HOURS_NOW,
      ...(extra.choice ? { choice: extra.choice } : {}),
    }),
  );

async function tokenFor(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
}

beforeAll(async () => {
  app = await createTestApp();
  await app.database.db
    .insert(staffUsers)
    .values({ email: 'operador@muni.test', name: 'Operador', role: 'operador', passwordHash: await hashPassword('clave-segura-123') });
  await app.database.db.insert(staffUsers).values({
    email: 'coordina@muni.test',
    name: 'Coordinadora',
    role: 'coordinador',
    passwordHash: await hashPassword('clave-segura-123'),
  });
});
afterAll(async () => app?.close());

describe(`understanding citizens on ${databaseKind}`, () => {
  it('answers a question from the catalogue in the channel, then opens a case when asked, logging both', async () => {
    const answer = await say('q1', '¿dónde pago el predial?');
    expect(answer.replies.map((r) => r.text).join('\n')).toContain('Tesorería municipal');
    expect(answer.replies.at(-1)!.prompt!.options.map((o) => o.id)).toEqual(['helped', 'human', 'open_case']);
    await say('q1', 'Abrir un caso', { choice: 'open_case' });
    await say('q1', 'Ana Ruiz');
    await say('q1', 'ana@example.com');
    const done = await say('q1', 'sí');
    expect(done.replies.map((r) => r.text).join('\n')).toMatch(/AC-2026-\d{6}/);

    const rows = await app.database.db
      .select()
      .from(attentionLog)
      .where(eq(attentionLog.conversationId, answer.conversationId))
      .orderBy(asc(attentionLog.id));
    expect(rows.map((r) => [r.kind, r.detail, r.channel])).toEqual([
      ['information_answered', 'pago-predial', 'telegram'],
      ['case_opened', 'solicitud_informacion', 'telegram'],
    ]);
    expect(rows[1]!.caseId).toEqual(expect.any(Number));
    expect(rows[0]!.createdAt.toISOString()).toBe(OFFICE_HOURS_NOW.toISOString());
  });

  it('logs status lookups and handoffs, and writes nothing for a duplicate delivery', async () => {
    const lookup = await say('q2', 'estado AC-2026-999999');
    await say('q2', 'quiero hablar con una persona');
    const rows = await app.database.db
      .select()
      .from(attentionLog)
      .where(eq(attentionLog.conversationId, lookup.conversationId))
      .orderBy(asc(attentionLog.id));
    expect(rows.map((r) => [r.kind, r.detail])).toEqual([
      ['status_lookup', 'not_found'],
      ['handed_to_person', 'requested'],
    ]);
    const again = await app.conversations.receive(
      InboundMessage.parse({
        channel: 'telegram',
        channelUserId: 'q2',
        conversationKey: 'q2',
        externalId: `m${n}`,
        text: 'quiero hablar con una persona',
        receivedAt: OFFICE_HOURS_NOW,
      }),
    );
    expect(again.duplicate).toBe(true);
    expect(await app.database.db.select().from(attentionLog).where(eq(attentionLog.conversationId, lookup.conversationId))).toHaveLength(2);
  });

  it('keeps the type a citizen picked on low confidence as a labelled example an admin reviews and exports', async () => {
    const first = await say('q3', 'les escribo por lo de ayer', { channel: 'web' });
    expect(first.replies.at(-1)!.prompt!.field).toBe('type');
    await say('q3', 'Sugerencia', { choice: 'sugerencia', channel: 'web' });
    const [example] = await app.database.db
      .select()
      .from(labelledExamples)
      .where(eq(labelledExamples.conversationId, first.conversationId));
    expect(example).toMatchObject({
      field: 'type',
      text: 'les escribo por lo de ayer',
      chosen: 'sugerencia',
      channel: 'web',
      review: 'pending',
    });
    expect(example!.predicted).toEqual(expect.any(String));
    expect(example!.confidence).toBeLessThan(0.5);

    const admin = await tokenFor(ADMIN.email, ADMIN.password);
    const listed = await app.app.inject({ method: 'GET', url: '/api/understanding/examples?review=pending', headers: admin });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().examples).toEqual([
      expect.objectContaining({ id: example!.id, text: 'les escribo por lo de ayer', chosen: 'sugerencia' }),
    ]);

    const operador = await tokenFor('operador@muni.test', 'clave-segura-123');
    expect((await app.app.inject({ method: 'GET', url: '/api/understanding/examples', headers: operador })).statusCode).toBe(403);
    expect(
      (
        await app.app.inject({
          method: 'POST',
          url: `/api/understanding/examples/${example!.id}/review`,
          headers: operador,
          payload: { decision: 'accepted' },
        })
      ).statusCode,
    ).toBe(403);
    expect((await app.app.inject({ method: 'GET', url: '/api/understanding/examples' })).statusCode).toBe(401);

    const reviewed = await app.app.inject({
      method: 'POST',
      url: `/api/understanding/examples/${example!.id}/review`,
      headers: admin,
      payload: { decision: 'accepted' },
    });
    expect(reviewed.statusCode).toBe(200);
    expect(reviewed.json().example.review).toBe('accepted');
    expect(
      (
        await app.app.inject({
          method: 'POST',
          url: '/api/understanding/examples/999999/review',
          headers: admin,
          payload: { decision: 'accepted' },
        })
      ).statusCode,
    ).toBe(404);
    const audited = await app.database.db.select().from(auditLog).where(eq(auditLog.subjectType, 'labelled_example'));
    // Besides the lines of each list view (examples.viewed), one for the review.
    expect(audited.map((a) => a.action).filter((a) => a !== 'examples.viewed')).toEqual(['labelled_example.accepted']);

    const csv = await app.app.inject({ method: 'GET', url: '/api/understanding/examples.csv?field=type', headers: admin });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toBe('text,label\nles escribo por lo de ayer,sugerencia\n');
  });

  it('gives coordinators counts by kind, channel and day, abandoned conversations included', async () => {
    await say('q4', 'hola');
    const coordinator = await tokenFor('coordina@muni.test', 'clave-segura-123');
    const res = await app.app.inject({
      method: 'GET',
      url: '/api/understanding/attention?from=2026-03-01&to=2026-03-31',
      headers: coordinator,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      counts: Array<{ day: string; channel: string; kind: string; detail: string | null; count: number }>;
      totals: { byKind: Record<string, number>; byChannel: Record<string, number> };
    };
    expect(body.counts).toEqual(
      expect.arrayContaining([
        { day: '2026-03-10', channel: 'telegram', kind: 'information_answered', detail: 'pago-predial', count: 1 },
        { day: '2026-03-10', channel: 'telegram', kind: 'case_opened', detail: 'solicitud_informacion', count: 1 },
        { day: '2026-03-10', channel: 'telegram', kind: 'status_lookup', detail: 'not_found', count: 1 },
        { day: '2026-03-10', channel: 'telegram', kind: 'handed_to_person', detail: 'requested', count: 1 },
        // "hola" and nothing more.
        { day: '2026-03-10', channel: 'telegram', kind: 'abandoned', detail: null, count: 1 },
      ]),
    );
    expect(body.totals.byKind).toMatchObject({ information_answered: 1, case_opened: 1, status_lookup: 1, handed_to_person: 1 });
    expect(body.totals.byChannel.web).toBe(1);
    // The console's form: the same totals, without the days' rows.
    const period = await app.app.inject({
      method: 'GET',
      url: '/api/understanding/attention?from=2026-03-01&to=2026-03-31&per=period',
      headers: coordinator,
    });
    expect(period.statusCode, period.body).toBe(200);
    expect(period.json()).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      totals: { ...body.totals, procedures: [{ procedureId: 'pago-predial', count: 1 }] },
    });
    expect(
      (
        await app.app.inject({ method: 'GET', url: '/api/understanding/attention?from=2026-04-01&to=2026-04-30', headers: coordinator })
      ).json().counts,
    ).toEqual([]);
    const operador = await tokenFor('operador@muni.test', 'clave-segura-123');
    expect((await app.app.inject({ method: 'GET', url: '/api/understanding/attention', headers: operador })).statusCode).toBe(403);
    expect((await app.app.inject({ method: 'GET', url: '/api/understanding/attention?from=marzo', headers: coordinator })).statusCode).toBe(
      400,
    );
  });
});
