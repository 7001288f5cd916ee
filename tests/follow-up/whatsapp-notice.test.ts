import { DELIVERIES, FOLLOW_UPS } from '../../src/server/app.js';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappChannel } from '../../src/channels/whatsapp/index.js';
import { cases, conversations } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { startGraphApi, type GraphApi } from '../helpers/graph-api.js';
import * as wa from '../channels/whatsapp/webhook-payloads.js';

/** A follow-up notice a day after the citizen last wrote on WhatsApp goes as the approved template. */

const SECRET = 'app-secret-de-prueba';
const TOKEN = 'EAAG-token-de-prueba';
const HOUR = 3_600_000;
let graph: GraphApi;
let app: TestApp;
const clock = { now: new Date('2026-11-24T16:00:00Z') };

beforeAll(async () => {
  graph = await startGraphApi({ accessToken: TOKEN, version: 'v21.0' });
  app = await createTestApp({
    channels: [whatsappChannel],
    now: () => clock.now,
    env: {
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_VERIFY_TOKEN: 'v',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_ACCESS_TOKEN: TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: wa.PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_ROOT: graph.url,
      WHATSAPP_GRAPH_VERSION: 'v21.0',
      WHATSAPP_TEMPLATES: JSON.stringify({ notice: { name: 'aviso_folio', language: 'es_MX', parameters: ['text'] } }),
    },
  });
});
afterAll(async () => {
  await app?.close();
  await graph?.close();
});

describe(`citizen notices on WhatsApp, on ${databaseKind}`, () => {
  it('tells the citizen that the department received the case, as a template once the 24-hour window has closed', async () => {
    const from = '5215512345678';
    for (const body of ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'Juan Pérez', '55 1234 5678', 'omitir', 'sí']) {
      const payload = JSON.stringify(wa.messagesFrom(from, [wa.text(body, clock.now)]));
      const res = await app.app.inject({
        method: 'POST',
        url: '/webhooks/whatsapp',
        payload,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': wa.sign(payload, SECRET) },
      });
      expect(res.statusCode).toBe(200);
    }
    await app.queue.runDue(DELIVERIES);
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.channelUserId, from));
    const [row] = await app.database.db
      .select()
      .from(cases)
      .where(eq(cases.conversationId, conversation!.id))
      .orderBy(desc(cases.id))
      .limit(1);
    expect(row, JSON.stringify((await app.conversations.history(conversation!.id)).map((m) => m.text))).toBeDefined();

    clock.now = new Date(clock.now.getTime() + 26 * HOUR);
    const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
    const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': login.json().csrfToken as string };
    expect(
      (await app.app.inject({ method: 'POST', url: `/api/staff/cases/${row!.id}/actions`, headers, payload: { kind: 'receive' } }))
        .statusCode,
    ).toBe(200);
    const before = graph.sent.length;
    await app.queue.runDue(FOLLOW_UPS);
    await app.queue.runDue(DELIVERIES);

    const sent = graph.sent.slice(before).map((m) => m.body);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: from, type: 'template', template: { name: 'aviso_folio', language: { code: 'es_MX' } } });
    expect(JSON.stringify(sent[0])).toContain(`Su caso ${row!.folio} ya fue recibido por Dirección de Obras Públicas`);
  });
});
