import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, conversationEvents, conversations } from '../../src/db/schema.js';
import type { DocumentInbound } from '../../src/messages/document.js';
import type { InboundMessageInput } from '../../src/messages/inbound.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { inboundMaker } from '../helpers/inbound.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { CIVIL_PROTECTION_PHONE: '844 410 0000' } });
});
afterAll(async () => app?.close());

const inbound = inboundMaker('rc');

const say = async (key: string, text: string, extra: Partial<InboundMessageInput> = {}) =>
  (await app.conversations.receive(inbound(key, text, extra))).replies.map((r) => r.text).join('\n');

function email(id: string, subject: string, text: string): DocumentInbound {
  return {
    kind: 'document',
    channel: 'email',
    channelUserId: `${id}@correo.test`,
    externalId: `<${id}@correo.test>`,
    receivedAt: new Date(),
    senderName: undefined,
    subject,
    text,
    attachments: [],
    rejectedAttachments: [],
    threadKey: `<${id}@correo.test>`,
    repliesTo: [],
    noAnswer: undefined,
    undeliverable: [],
    answersPerHour: 10,
    maxAttachmentBytes: 10 * 1024 * 1024,
    payload: {},
  };
}

const folioIn = (text: string) => /AC-\d{4}-\d{6}/.exec(text)?.[0];

describe(`real citizens' words through the pipeline on ${databaseKind}`, () => {
  it('answers an emergency with 911 and Protección Civil first, flags the conversation, and still records the report', async () => {
    const key = 'fire-1';
    const first = await say(key, 'se está quemando la basura del contenedor de la calle Hidalgo 45');
    // Even before the greeting of a new conversation.
    expect(first.split('\n')[0]).toContain('911');
    expect(first).toContain('844 410 0000');
    expect(first).toContain('Soy el asistente');
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.conversationKey, key));
    expect(conversation!.emergencyAt).not.toBeNull();
    const events = await app.database.db.select().from(conversationEvents).where(eq(conversationEvents.conversationId, conversation!.id));
    expect(events.map((e) => e.type)).toContain('conversation.emergency');

    await say(key, 'Rosa Martínez');
    await say(key, 'no tengo teléfono');
    await say(key, 'omitir');
    const done = await say(key, 'sí');
    const folio = folioIn(done);
    expect(folio).toBeDefined();
    const [row] = await app.database.db.select().from(cases).where(eq(cases.folio, folio!));
    expect(row!.emergency).toBe(true);
  });

  it('never opens a case from a vague opener: it asks what happened and keeps the type the citizen named', async () => {
    const key = 'vague-1';
    const first = await say(key, 'tengo una queja');
    expect(first).toContain('Cuénteme qué pasó');
    expect(first).not.toContain('¿Dónde es?');
    const second = await say(key, 'el camión de la basura no pasa desde hace dos semanas por la calle Morelos 12');
    expect(second).toContain('queja');
    expect(second).toContain('calle Morelos 12');
    expect(await app.database.db.select().from(cases).where(eq(cases.channel, 'telegram'))).not.toContainEqual(
      expect.objectContaining({ description: 'tengo una queja' }),
    );
  });

  it('answers "¿cómo va mi reporte?" without a folio with the citizen\'s own open cases', async () => {
    const key = 'status-1';
    await say(key, 'Hay una fuga de agua enorme en la calle Allende 30');
    await say(key, 'Pedro Gómez');
    await say(key, '55 1234 0000');
    await say(key, 'omitir');
    const folio = folioIn(await say(key, 'sí'));
    expect(folio).toBeDefined();

    // Another conversation of the same person on the same channel (a new chat key, same user).
    const asked = await say('status-1b', 'oigan, mi reporte de la fuga de hace rato, ¿cómo va?', { channelUserId: 'user-status-1' });
    expect(asked).toContain(folio!);
    expect(asked).toContain('abiertos');
    expect(
      await app.database.db.select().from(cases).where(eq(cases.description, 'oigan, mi reporte de la fuga de hace rato, ¿cómo va?')),
    ).toEqual([]);
  });

  it('asks for the folio when the citizen has no open case', async () => {
    const reply = await say('status-2', '¿cómo va mi reporte?');
    expect(reply).toContain('No encuentro casos abiertos');
    const again = await say('status-2', 'AC-2026-999999');
    expect(again).toContain('No encontré el folio AC-2026-999999');
  });

  it('answers an email that only says it has a complaint by asking what happened, with no case', async () => {
    const result = await app.conversations.receive(email('queja-1', 'Queja', 'Buenas tardes, les escribo porque quiero poner una queja.'));
    expect(result.caseId).toBeUndefined();
    expect(result.replies.map((m) => m.text).join('\n')).toContain(
      'Para registrar su queja o reclamo, responda a este correo contándonos qué pasó',
    );
  });

  it('puts the emergency number first in the answer to an email that tells of danger, and flags the case', async () => {
    const result = await app.conversations.receive({
      kind: 'document',
      channel: 'email',
      channelUserId: 'vecina@correo.test',
      externalId: '<fuga-gas-1@correo.test>',
      receivedAt: new Date(),
      senderName: 'Lucía Herrera',
      subject: 'Fuga de gas',
      text: 'Buenas tardes, huele mucho a gas en la calle Abasolo 15, colonia Centro, desde hace una hora.',
      attachments: [],
      rejectedAttachments: [],
      threadKey: '<fuga-gas-1@correo.test>',
      repliesTo: [],
      noAnswer: undefined,
      undeliverable: [],
      answersPerHour: 10,
      maxAttachmentBytes: 10 * 1024 * 1024,
      payload: {},
    });
    const text = result.replies.map((m) => m.text).join('\n');
    expect(text.indexOf('911')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('911')).toBeLessThan(text.indexOf('AC-'));
    const [row] = await app.database.db.select().from(cases).where(eq(cases.id, result.caseId!));
    expect(row!.emergency).toBe(true);
  });

  it('takes the number WhatsApp gives instead of asking for it, and shows it in the summary', async () => {
    const key = '5215512340000';
    const wa = { channel: 'whatsapp' as const, channelUserId: key, senderPhone: '+5215512340000' };
    const first = await say(key, 'la luminaria de la calle Juárez 100 está fundida', wa);
    expect(first).toContain('¿Cuál es su nombre?');
    const second = await say(key, 'Chuy Montoya', wa);
    expect(second).not.toContain('teléfono o correo');
    const summary = await say(key, 'omitir', wa);
    expect(summary).toContain('+5215512340000 (el de este chat)');
  });
});
