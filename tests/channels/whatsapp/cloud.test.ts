import { DELIVERIES } from '../../../src/server/app.js';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappChannel } from '../../../src/channels/whatsapp/index.js';
import { attachments, cases, channelState, conversations, jobs, messages } from '../../../src/db/schema.js';
import { enqueueOutbound } from '../../../src/outbox/enqueue.js';
import { createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../../helpers/app.js';
import { databaseKind } from '../../helpers/database.js';
import { deliveryJobOf, deliveryJobs } from '../../helpers/jobs.js';
import { startGraphApi, type GraphApi } from '../../helpers/graph-api.js';
import * as wa from './webhook-payloads.js';

const SECRET = 'app-secret-de-prueba';
const TOKEN = 'EAAG-token-de-prueba';
const VERIFY = 'verificacion-ventanilla';
const VERSION = 'v21.0';
const TEMPLATES = { notice: { name: 'aviso_folio', language: 'es_MX', parameters: ['text'] } };

let graph: GraphApi;
let app: TestApp;
let clock = OFFICE_HOURS_NOW;
const HOUR = 3_600_000;

function env(templates: unknown = TEMPLATES): Record<string, string> {
  return {
    WHATSAPP_MODE: 'cloud',
    WHATSAPP_VERIFY_TOKEN: VERIFY,
    WHATSAPP_APP_SECRET: SECRET,
    WHATSAPP_ACCESS_TOKEN: TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: wa.PHONE_NUMBER_ID,
    WHATSAPP_GRAPH_ROOT: graph.url,
    WHATSAPP_GRAPH_VERSION: VERSION,
    WHATSAPP_TEMPLATES: JSON.stringify(templates),
  };
}

beforeAll(async () => {
  graph = await startGraphApi({ accessToken: TOKEN, version: VERSION });
  app = await createTestApp({ channels: [whatsappChannel], env: env(), now: () => clock });
});
afterAll(async () => {
  await app?.close();
  await graph?.close();
});

function post(target: TestApp, payload: unknown, signature: string | null = 'valid') {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature === 'valid') headers['x-hub-signature-256'] = wa.sign(body, SECRET);
  else if (signature !== null) headers['x-hub-signature-256'] = signature;
  return target.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers, payload: body });
}

/** Sends the citizen's messages through the webhook, then lets the outbox deliver the replies; returns what reached WhatsApp. */
async function citizenSays(from: string, ...items: Array<Record<string, unknown>>) {
  const before = graph.sent.length;
  for (const item of items) {
    const res = await post(app, wa.messagesFrom(from, [item]));
    expect(res.statusCode).toBe(200);
  }
  await app.queue.runDue(DELIVERIES);
  return graph.sent.slice(before).filter((m) => m.body.to === from);
}

const bodyText = (m: { body: Record<string, unknown> }) => JSON.stringify(m.body);

async function inboundCount(from: string) {
  const rows = await app.database.db
    .select()
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.channelUserId, from), eq(messages.direction, 'in')));
  return rows.length;
}

describe(`WhatsApp Cloud API channel on ${databaseKind}`, () => {
  it('answers Meta’s verification handshake only with the right token', async () => {
    const ok = await app.app.inject({
      method: 'GET',
      url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const wrong = await app.app.inject({
      method: 'GET',
      url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=otro&hub.challenge=1158201444',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).not.toContain('1158201444');
    const noMode = await app.app.inject({ method: 'GET', url: `/webhooks/whatsapp?hub.verify_token=${VERIFY}&hub.challenge=1` });
    expect(noMode.statusCode).toBe(403);
  });

  it('refuses a forged or missing signature and stores nothing', async () => {
    const from = '5215500000001';
    const payload = wa.messagesFrom(from, [wa.text('Hay un bache en la calle Juárez 4', clock)]);
    const forged = await post(app, payload, wa.sign(JSON.stringify(payload), 'otro-secreto'));
    expect(forged.statusCode).toBe(401);
    const missing = await post(app, payload, null);
    expect(missing.statusCode).toBe(401);
    const garbage = await post(app, payload, 'sha256=zz');
    expect(garbage.statusCode).toBe(401);
    // A valid signature over different bytes: the body was altered in transit.
    const tampered = await app.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': wa.sign(JSON.stringify(payload), SECRET) },
      payload: JSON.stringify(payload).replace('Juárez 4', 'Juárez 5'),
    });
    expect(tampered.statusCode).toBe(401);
    expect(await inboundCount(from)).toBe(0);
    const [anyConversation] = await app.database.db.select().from(conversations).where(eq(conversations.channelUserId, from));
    expect(anyConversation).toBeUndefined();
  });

  it('takes a report from first message to folio with buttons and a location pin, then answers its status', async () => {
    const from = '5215512345678';
    // No place in the first message ("frente a la escuela" would be one), so the bot asks for a pin.
    const first = await citizenSays(from, wa.text('Hay un bache enorme en mi calle', clock));
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((m) => m.phoneNumberId === wa.PHONE_NUMBER_ID && m.body.messaging_product === 'whatsapp')).toBe(true);
    const asksPlace = first.at(-1)!;
    expect(asksPlace.body).toMatchObject({
      type: 'interactive',
      interactive: { type: 'location_request_message', action: { name: 'send_location' } },
    });

    await citizenSays(
      from,
      wa.location(21.5039, -104.8946, clock, { name: 'Escuela Primaria Benito Juárez', address: 'Av. México 120, Tepic' }),
    );
    await citizenSays(from, wa.text('Juan Pérez', clock));
    const photoAsk = await citizenSays(from, wa.text('311 123 4567', clock));
    expect(photoAsk.at(-1)!.body).toMatchObject({
      type: 'interactive',
      interactive: { type: 'button', action: { buttons: [{ type: 'reply', reply: { id: 'skip', title: 'Omitir' } }] } },
    });

    const confirm = await citizenSays(from, wa.buttonReply('skip', 'Omitir', clock));
    const buttons = confirm.at(-1)!.body as unknown as {
      interactive: { type: string; body: { text: string }; action: { buttons: Array<{ reply: { id: string; title: string } }> } };
    };
    expect(buttons.interactive.type).toBe('button');
    expect(buttons.interactive.action.buttons.map((b) => b.reply.id)).toEqual(['yes', 'no']);
    expect(buttons.interactive.action.buttons.every((b) => b.reply.title.length <= 20)).toBe(true);
    expect(buttons.interactive.body.text).toContain('Juan Pérez');

    const done = await citizenSays(from, wa.buttonReply('yes', 'Sí', clock));
    const folio = /AC-2026-\d{6}/.exec(done.map(bodyText).join(' '))?.[0];
    expect(folio).toBeDefined();
    const [row] = await app.database.db.select().from(cases).where(eq(cases.folio, folio!));
    expect(row).toMatchObject({ channel: 'whatsapp', type: 'reporte', latitude: 21.5039, longitude: -104.8946 });

    const status = await citizenSays(from, wa.text(`estado ${folio}`, clock));
    expect(status.map(bodyText).join(' ')).toContain(folio!);
    expect(status.map(bodyText).join(' ')).toContain('Obras Públicas');
  });

  it('offers four to ten options as a list, with the long labels whole in the description', async () => {
    const from = '5215512340000';
    // A description the classifier cannot place makes the bot ask for the type: four options.
    const sent = await citizenSays(from, wa.text('les escribo por lo de ayer', clock));
    const list = sent.find((m) => (m.body as { interactive?: { type: string } }).interactive?.type === 'list');
    if (!list) return expect.fail(`no list among ${sent.map(bodyText).join('\n')}`);
    const rows = (
      list.body as unknown as {
        interactive: { action: { button: string; sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> } };
      }
    ).interactive.action;
    expect(rows.button).toBe('Ver opciones');
    const all = rows.sections.flatMap((s) => s.rows);
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.every((r) => r.title.length <= 24)).toBe(true);
    // Picking a row answers the question.
    const next = await citizenSays(from, wa.listReply(all[0]!.id, all[0]!.title, clock));
    expect(next.length).toBeGreaterThan(0);
  });

  it('stores a photo, fetched from the Graph API, with the case', async () => {
    const from = '5215587654321';
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);
    graph.addMedia('1203919873049210', 'image/jpeg', jpeg);
    await citizenSays(from, wa.text('Hay una fuga de agua en la calle Morelos 45', clock));
    await citizenSays(from, wa.text('Ana López', clock));
    await citizenSays(from, wa.text('3111234567', clock));
    await citizenSays(from, wa.image('1203919873049210', clock, 'así está la fuga'));
    const done = await citizenSays(from, wa.buttonReply('yes', 'Sí', clock));
    const folio = /AC-2026-\d{6}/.exec(done.map(bodyText).join(' '))?.[0];
    expect(folio).toBeDefined();
    const [row] = await app.database.db.select().from(cases).where(eq(cases.folio, folio!));
    const files = await app.database.db.select().from(attachments).where(eq(attachments.caseId, row!.id));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ kind: 'photo', contentType: 'image/jpeg', sizeBytes: jpeg.byteLength });
    expect(Buffer.from(files[0]!.data).equals(jpeg)).toBe(true);
  });

  it('answers 500 when a photo cannot be fetched for now, so Meta delivers again, and keeps a message whose file is gone', async () => {
    const from = '5215587650000';
    graph.addMedia('2203919873049210', 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    graph.failNextMedia(503);
    const payload = wa.messagesFrom(from, [
      wa.text('Hay un árbol caído en la calle Zaragoza 8', clock),
      wa.image('2203919873049210', clock),
    ]);
    const first = await post(app, payload);
    expect(first.statusCode).toBe(500);
    // The text before the photo is stored; the photo is not, until Meta tries again.
    expect(await inboundCount(from)).toBe(1);
    const again = await post(app, payload);
    expect(again.statusCode).toBe(200);
    expect(await inboundCount(from)).toBe(2);
    const stored = await app.database.db
      .select()
      .from(attachments)
      .innerJoin(messages, eq(messages.id, attachments.messageId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(conversations.channelUserId, from));
    expect(stored).toHaveLength(1);

    // Media Meta no longer has (expired): the message is kept without it rather than retried for days.
    const expired = await post(app, wa.messagesFrom(from, [wa.image('media-que-ya-no-existe', clock, 'la foto')]));
    expect(expired.statusCode).toBe(200);
    expect(await inboundCount(from)).toBe(3);
  });

  it('stores every message and status of one bundled delivery, and a delivery sent again only once', async () => {
    const a = '5215511110001';
    const b = '5215511110002';
    const payload = wa.messagesFrom(a, [wa.text('hola', clock), wa.text('hay basura en el parque central', clock)]);
    payload.entry.push(wa.messagesFrom(b, [wa.text('buenas tardes', clock)]).entry[0]!);
    const first = await post(app, payload);
    expect(first.statusCode).toBe(200);
    expect(await inboundCount(a)).toBe(2);
    expect(await inboundCount(b)).toBe(1);
    const jobsBefore = (await deliveryJobs(app.database.db)).length;

    const retried = await post(app, payload);
    expect(retried.statusCode).toBe(200);
    expect(await inboundCount(a)).toBe(2);
    expect(await inboundCount(b)).toBe(1);
    expect((await deliveryJobs(app.database.db)).length).toBe(jobsBefore);
  });

  it('skips a message that cannot be mapped without holding back the rest of the delivery', async () => {
    const from = '5215511112222';
    const payload = wa.messagesFrom(from, [wa.location(200, -104.8946, clock), wa.text('hay un poste caído en la calle Allende 3', clock)]);
    const res = await post(app, payload);
    expect(res.statusCode).toBe(200);
    expect(await inboundCount(from)).toBe(1);
  });

  it('records sent, delivered, read and failed statuses on the outbound message, never moving back', async () => {
    const from = '5215522223333';
    const replies = await citizenSays(from, wa.text('hola', clock));
    const { wamid } = replies.at(-1)!;
    const statusOf = async (id: string) =>
      (
        await app.database.db
          .select()
          .from(messages)
          .where(and(eq(messages.externalId, id), eq(messages.direction, 'out')))
      )[0]!;
    const report = (value: 'sent' | 'delivered' | 'read' | 'failed', errors?: unknown[]) =>
      post(app, wa.envelope({ statuses: [wa.status(wamid, value, new Date(clock.getTime() + 1000), from, errors)] }));

    expect((await report('delivered')).statusCode).toBe(200);
    expect(await statusOf(wamid)).toMatchObject({ deliveryStatus: 'delivered' });
    await report('read');
    expect(await statusOf(wamid)).toMatchObject({ deliveryStatus: 'read' });
    // Out of order: a late "sent" and "delivered" do not undo "read".
    await report('sent');
    await report('delivered');
    expect(await statusOf(wamid)).toMatchObject({ deliveryStatus: 'read', deliveryError: null });

    // The greeting went out as a message of its own: it failed.
    expect(replies.length).toBeGreaterThan(1);
    const other = replies[0]!.wamid;
    await post(
      app,
      wa.envelope({
        statuses: [
          wa.status(other, 'failed', clock, from, [
            { code: 131026, title: 'Message undeliverable', error_data: { details: 'Receiver is incapable of receiving this message' } },
          ]),
        ],
      }),
    );
    expect(await statusOf(other)).toMatchObject({ deliveryStatus: 'failed', deliveryError: expect.stringContaining('131026') });
    // A status for a message that is not ours changes nothing and is still acknowledged.
    expect((await post(app, wa.envelope({ statuses: [wa.status('wamid.unknown', 'read', clock, from)] }))).statusCode).toBe(200);
  });

  it('keeps a status that arrives before the send has returned, and applies it once the message id is known', async () => {
    const from = '5215522224444';
    await citizenSays(from, wa.text('hola', clock));
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.channelUserId, from));
    const early = 'wamid.HBgLNTIxNTUyMjIyNDQ0NBUCABEYEkVBUkxZMDAwMDAwMDAwMDAA';
    const res = await post(app, wa.envelope({ statuses: [wa.status(early, 'delivered', clock, from)] }));
    expect(res.statusCode).toBe(200);
    expect(
      await app.database.db
        .select()
        .from(channelState)
        .where(eq(channelState.key, `held-status:${early}`)),
    ).toHaveLength(1);

    graph.useWamids(early);
    const reply = await app.database.db.transaction((tx) =>
      enqueueOutbound(tx, {
        conversationId: conversation!.id,
        channel: 'whatsapp',
        message: { text: 'Respuesta del personal', author: 'staff' },
      }),
    );
    await app.queue.runDue(DELIVERIES);
    const [stored] = await app.database.db.select().from(messages).where(eq(messages.id, reply.id));
    expect(stored).toMatchObject({ externalId: early, deliveryStatus: 'delivered' });
    expect(
      await app.database.db
        .select()
        .from(channelState)
        .where(eq(channelState.key, `held-status:${early}`)),
    ).toHaveLength(0);
  });

  it('sends a follow-up notice as text inside the 24-hour window and as the template outside it', async () => {
    const from = '5215544445555';
    await citizenSays(from, wa.text('hola', clock));
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.channelUserId, from));
    const notice = 'Tu folio AC-2026-000001 cambió de estado:\nen seguimiento por Obras Públicas.';
    const enqueue = () =>
      app.database.db.transaction((tx) =>
        enqueueOutbound(tx, { conversationId: conversation!.id, channel: 'whatsapp', message: { text: notice, author: 'system' } }),
      );

    clock = new Date(OFFICE_HOURS_NOW.getTime() + 23 * HOUR);
    const before = graph.sent.length;
    await enqueue();
    await app.queue.runDue(DELIVERIES);
    expect(graph.sent.slice(before).map((m) => m.body)).toEqual([
      expect.objectContaining({ to: from, type: 'text', text: { body: notice, preview_url: false } }),
    ]);

    clock = new Date(OFFICE_HOURS_NOW.getTime() + 25 * HOUR);
    await enqueue();
    await app.queue.runDue(DELIVERIES);
    const template = graph.sent.at(-1)!.body;
    expect(template).toMatchObject({
      to: from,
      type: 'template',
      template: {
        name: 'aviso_folio',
        language: { code: 'es_MX' },
        components: [
          {
            type: 'body',
            parameters: [{ type: 'text', text: 'Tu folio AC-2026-000001 cambió de estado: · en seguimiento por Obras Públicas.' }],
          },
        ],
      },
    });
    clock = OFFICE_HOURS_NOW;
  });

  it('falls back to the template when WhatsApp itself says the window closed (131047)', async () => {
    const from = '5215566667777';
    await citizenSays(from, wa.text('hola', clock));
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.channelUserId, from));
    graph.failNext({
      status: 400,
      code: 131047,
      message: 'Re-engagement message: more than 24 hours have passed since the recipient last replied',
    });
    await app.database.db.transaction((tx) =>
      enqueueOutbound(tx, {
        conversationId: conversation!.id,
        channel: 'whatsapp',
        message: { text: 'Respuesta del personal', author: 'staff' },
      }),
    );
    await app.queue.runDue(DELIVERIES);
    expect(graph.sent.at(-1)!.body).toMatchObject({ to: from, type: 'template', template: { name: 'aviso_folio' } });
  });

  it('retries when WhatsApp throttles or fails, and gives up on a refusal with the reason kept', async () => {
    const from = '5215588889999';
    await citizenSays(from, wa.text('hola', clock));
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.channelUserId, from));
    const enqueue = (text: string) =>
      app.database.db.transaction((tx) =>
        enqueueOutbound(tx, { conversationId: conversation!.id, channel: 'whatsapp', message: { text, author: 'staff' } }),
      );

    graph.failNext({ status: 429, code: 130429, message: 'Rate limit hit' });
    const throttled = await enqueue('primero');
    await app.queue.runDue(DELIVERIES);
    const job = await deliveryJobOf(app.database.db, throttled.id);
    expect(job).toMatchObject({ status: 'pending', lastError: expect.stringContaining('130429') });
    // Due again now: the next pass sends it.
    await app.database.db
      .update(jobs)
      .set({ runAt: new Date(0) })
      .where(eq(jobs.id, job.id));
    await app.queue.runDue(DELIVERIES);
    expect((await deliveryJobOf(app.database.db, throttled.id)).status).toBe('done');

    graph.failNext({ status: 400, code: 131026, message: 'Message undeliverable' });
    const refused = await enqueue('segundo');
    await app.queue.runDue(DELIVERIES);
    const gone = await deliveryJobOf(app.database.db, refused.id);
    expect(gone).toMatchObject({ status: 'failed', lastError: expect.stringContaining('131026') });
  });
});

describe(`WhatsApp Cloud API without templates on ${databaseKind}`, () => {
  it('refuses a notice outside the window and says why on the message', async () => {
    const bare = await createTestApp({ channels: [whatsappChannel], env: env({}), now: () => clock });
    try {
      const from = '5215500009999';
      const res = await post(bare, wa.messagesFrom(from, [wa.text('hola', clock)]));
      expect(res.statusCode).toBe(200);
      await bare.queue.runDue(DELIVERIES);
      const [conversation] = await bare.database.db.select().from(conversations).where(eq(conversations.channelUserId, from));
      clock = new Date(OFFICE_HOURS_NOW.getTime() + 30 * HOUR);
      const notice = await bare.database.db.transaction((tx) =>
        enqueueOutbound(tx, { conversationId: conversation!.id, channel: 'whatsapp', message: { text: 'Aviso', author: 'system' } }),
      );
      const before = graph.sent.length;
      await bare.queue.runDue(DELIVERIES);
      expect(graph.sent.length).toBe(before);
      const job = await deliveryJobOf(bare.database.db, notice.id);
      expect(job).toMatchObject({ status: 'failed', lastError: expect.stringContaining('WHATSAPP_TEMPLATES') });
      const [stored] = await bare.database.db.select().from(messages).where(eq(messages.id, notice.id));
      expect(stored).toMatchObject({ deliveryStatus: 'failed', deliveryError: expect.stringContaining('24 hours') });
    } finally {
      clock = OFFICE_HOURS_NOW;
      await bare.close();
    }
  });
});
