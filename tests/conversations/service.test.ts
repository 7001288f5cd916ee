import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents, cases, citizens, conversations, messages } from '../../src/db/schema.js';
import { deliveryJobs } from '../helpers/jobs.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { inboundMaker } from '../helpers/inbound.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const inbound = inboundMaker('update');

describe(`conversation pipeline on ${databaseKind}`, () => {
  it('opens a case with a folio, routed to the department, with its history', async () => {
    const key = 'case-1';
    await app.conversations.receive(inbound(key, 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123'));
    await app.conversations.receive(inbound(key, 'Juan Pérez'));
    await app.conversations.receive(inbound(key, '5512345678'));
    await app.conversations.receive(inbound(key, 'omitir'));
    const done = await app.conversations.receive(inbound(key, 'sí'));
    const folio = /AC-2026-\d{6}/.exec(done.replies.map((r) => r.text).join(' '))?.[0];
    expect(folio).toBeDefined();

    const [row] = await app.database.db.select().from(cases).where(eq(cases.folio, folio!));
    expect(row).toMatchObject({ type: 'reporte', status: 'nuevo', address: 'calle Hidalgo 123', channel: 'telegram' });
    expect(row!.dueAt.getTime() - row!.createdAt.getTime()).toBe(30 * 86_400_000);
    const [citizen] = await app.database.db.select().from(citizens).where(eq(citizens.id, row!.citizenId));
    expect(citizen).toMatchObject({ name: 'Juan Pérez', phone: '5512345678' });
    const events = await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, row!.id));
    expect(events.map((e) => e.type)).toEqual(['case.opened']);
    expect(events[0]!.data).toMatchObject({ department: 'obras-publicas', category: 'baches-pavimento' });

    const status = await app.conversations.receive(inbound(key, `estado ${folio}`));
    expect(status.replies[0]!.text).toContain(folio!);
    expect(status.replies[0]!.text).toContain('Dirección de Obras Públicas');
  });

  it('stores a retried delivery once and answers it with the same replies', async () => {
    const message = inbound('dup-1', 'la lampara del poste esta fundida en la calle Reforma 10');
    const first = await app.conversations.receive(message);
    const again = await app.conversations.receive(message);
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(first.replies);
    const stored = await app.database.db.select().from(messages).where(eq(messages.externalId, message.externalId));
    expect(stored).toHaveLength(1);
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.conversationKey, 'dup-1'));
    const all = await app.database.db.select().from(messages).where(eq(messages.conversationId, conversation!.id));
    expect(all.filter((m) => m.direction === 'out')).toHaveLength(first.replies.length);
  });

  it('handles two deliveries of the same message at the same moment as one', async () => {
    const message = inbound('dup-2', 'hay basura tirada en el parque central');
    const [a, b] = await Promise.all([app.conversations.receive(message), app.conversations.receive(message)]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(a.replies).toEqual(b.replies);
  });

  it('writes every reply and its delivery job in the same transaction', async () => {
    const result = await app.conversations.receive(inbound('outbox-1', 'hola'));
    const jobs = await deliveryJobs(app.database.db);
    const ids = new Set(jobs.map((j) => String(j.payload.messageId)));
    for (const reply of result.replies) expect(ids.has(reply.id)).toBe(true);
  });

  it('marks the conversation as waiting for a person when the citizen asks for one', async () => {
    await app.conversations.receive(inbound('human-1', 'quiero hablar con una persona'));
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.conversationKey, 'human-1'));
    expect(conversation!.status).toBe('waiting_agent');
    // Nothing the citizen writes while waiting goes unanswered: when a person will come, and the case is still collected.
    const hello = await app.conversations.receive(inbound('human-1', 'hola?'));
    const still = await app.conversations.receive(inbound('human-1', 'sigo aquí'));
    for (const r of [hello, still])
      expect(r.replies.map((m) => m.text).join(' ')).toContain('una persona del equipo le responderá por aquí');
    const stored = await app.database.db.select().from(messages).where(eq(messages.conversationId, conversation!.id));
    expect(stored.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['quiero hablar con una persona', 'hola?', 'sigo aquí']);
  });

  it('reopens a conversation staff closed when the citizen writes again, back with the bot', async () => {
    await app.conversations.receive(inbound('closed-1', 'quiero hablar con una persona'));
    await app.database.db.update(conversations).set({ status: 'closed' }).where(eq(conversations.conversationKey, 'closed-1'));
    const again = await app.conversations.receive(inbound('closed-1', 'Hay una fuga de agua en la calle Morelos 45'));
    expect(again.replies.at(-1)!.prompt?.field).toBe('name');
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.conversationKey, 'closed-1'));
    expect(conversation!.status).toBe('bot');
  });

  it('links photos sent during the conversation to the case', async () => {
    const key = 'photo-1';
    const photo = {
      kind: 'photo' as const,
      contentType: 'image/jpeg',
      filename: 'foto.jpg',
      data: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
    };
    await app.conversations.receive(inbound(key, 'Hay una fuga de agua en la calle Morelos 45'));
    await app.conversations.receive(inbound(key, 'Ana López 3111234567'));
    await app.conversations.receive(inbound(key, '', { attachments: [photo] }));
    const done = await app.conversations.receive(inbound(key, 'sí'));
    const folio = /AC-2026-\d{6}/.exec(done.replies.map((r) => r.text).join(' '))![0];
    const detail = await app.database.db.select().from(cases).where(eq(cases.folio, folio));
    const events = await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, detail[0]!.id));
    expect(events.map((e) => e.type)).toEqual(['case.opened', 'case.attachment_added']);
  });
});
