import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents, cases, messages } from '../../src/db/schema.js';
import type { ChannelSender } from '../../src/messages/delivery.js';
import { InboundMessage, type InboundMessageInput } from '../../src/messages/inbound.js';
import { FOLLOW_UPS } from '../../src/server/app.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/**
 * One problem, many reports (issue 20): reports of one street light from several channels join
 * one cluster, the department works the first, and every citizen hears of its closing.
 */

let app: TestApp;
let token: string;
let n = 0;
const LIGHT = { lat: 27.0702, lon: -109.4431 };
/** About `metres` north of the light (a degree of latitude is ~111 km). */
const north = (metres: number) => ({ lat: LIGHT.lat + metres / 111_320, lon: LIGHT.lon });

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  app.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });

/** A citizen on a chat channel who answers what the bot asks until it gives a folio. */
async function reportOnChat(
  channel: 'telegram' | 'whatsapp',
  user: string,
  first: string,
  place: { location?: { latitude: number; longitude: number }; address?: string },
) {
  const say = (extra: Partial<InboundMessageInput>) =>
    app.conversations.receive(
      InboundMessage.parse({
        channel,
        channelUserId: user,
        conversationKey: user,
        externalId: `${channel}-${user}-${++n}`,
        receivedAt: new Date(),
        text: '',
        ...(channel === 'whatsapp' ? { senderPhone: `+${user}` } : {}),
        ...extra,
      }),
    );
  let turn = await say({ text: first });
  const said: string[] = [];
  for (let i = 0; i < 12; i++) {
    said.push(...turn.replies.map((r) => r.text));
    const folio = /AC-\d{4}-\d{6}/.exec(turn.replies.map((r) => r.text).join('\n'));
    if (folio) return { folio: folio[0], said: said.join('\n') };
    const field = turn.replies.at(-1)?.prompt?.field;
    if (field === 'address')
      turn = await say(
        place.location
          ? { location: { ...place.location, label: undefined } }
          : { text: place.address ?? 'calle Hidalgo 40, colonia Centro' },
      );
    else if (field === 'name') turn = await say({ text: 'Rosa Vázquez' });
    else if (field === 'contact') turn = await say({ text: '33 1111 2222' });
    else if (field === 'photo') turn = await say({ text: 'Omitir', choice: 'skip' });
    else if (field === 'confirm') turn = await say({ text: 'Sí', choice: 'yes' });
    else if (field === 'type') turn = await say({ text: 'Reporte', choice: 'reporte' });
    else if (field === 'category') turn = await say({ text: 'Alumbrado', choice: 'alumbrado-publico' });
    else turn = await say({ text: 'sí' });
  }
  throw new Error(`no folio after 12 turns:\n${said.join('\n')}`);
}

/** An app filing through Open311, with a point. */
async function reportOnOpen311(point: { lat: number; lon: number }, description: string, key: string) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: key,
      service_code: 'alumbrado-publico',
      lat: String(point.lat),
      long: String(point.lon),
      description,
      email: 'vecino.app@correo.test',
    }).toString(),
  });
  expect(res.statusCode, res.body).toBe(200);
  const [filed] = res.json() as Array<{ service_request_id: string; service_notice: string }>;
  return filed!;
}

async function caseOf(folio: string) {
  const [row] = await app.database.db.select().from(cases).where(eq(cases.folio, folio));
  return row!;
}

let apiKey: string;
beforeAll(async () => {
  // Mail can be sent (the outbox holds what is for the email channel; nothing is delivered in this test).
  const mail: ChannelSender = { send: async (delivery) => ({ externalId: `mail-${delivery.messageId}` }) };
  app = await createTestApp({
    env: { SMTP_URL: 'smtp://127.0.0.1:9', EMAIL_FROM: 'Atención <atencion@muni.test>' },
    senders: new Map([['email', mail]]),
  });
  const login = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
  token = (login.json() as { token: string }).token;
  const key = await api('POST', '/api/staff/open311/keys', { name: 'App Vecinos' });
  apiKey = (key.json() as { api_key: string }).api_key;
});
afterAll(async () => app?.close());

describe(`clusters of reports on ${databaseKind}`, () => {
  let parent: string;
  let second: string;
  let third: string;

  it('joins three reports of one street light from three channels, within its 50 m', async () => {
    const first = await reportOnChat('telegram', 'tg-701', 'La lámpara del poste de la esquina no prende desde el lunes', {
      location: { latitude: LIGHT.lat, longitude: LIGHT.lon },
    });
    parent = first.folio;
    expect(first.said).not.toContain('Ya hay un reporte');

    const whatsapp = await reportOnChat('whatsapp', '5213310002000', 'Está apagado el alumbrado de mi calle, el foco no sirve', {
      location: { latitude: north(30).lat, longitude: north(30).lon },
    });
    second = whatsapp.folio;
    expect(whatsapp.said).toContain(`Ya hay un reporte de este problema (folio ${parent})`);

    const filed = await reportOnOpen311(north(45), 'Lámpara fundida en el poste', apiKey);
    third = filed.service_request_id;
    expect(filed.service_notice).toContain(parent);

    const [p, b, c] = [await caseOf(parent), await caseOf(second), await caseOf(third)];
    expect(p.clusterParentId).toBeNull();
    expect(b.clusterParentId).toBe(p.id);
    expect(c.clusterParentId).toBe(p.id);
    const joined = await app.database.db.select().from(caseEvents).where(eq(caseEvents.type, 'case.cluster_joined'));
    expect(joined.map((e) => [e.caseId, (e.data as { how: string }).how])).toEqual([
      [b.id, 'distance'],
      [c.id, 'distance'],
    ]);
    const gained = await app.database.db.select().from(caseEvents).where(eq(caseEvents.type, 'case.cluster_gained'));
    expect(gained.map((e) => e.caseId)).toEqual([p.id, p.id]);
    // The department hears of the problem once: one routing sheet, the parent's.
    await app.queue.runDue(FOLLOW_UPS);
    const sheets = await app.database.db.select().from(caseEvents).where(eq(caseEvents.type, 'follow_up.routing_sheet_sent'));
    expect(sheets.map((e) => e.caseId).filter((id) => [p.id, b.id, c.id].includes(id))).toEqual([p.id]);
  });

  it('never joins a report 2 km away, nor one of another category at the same spot', async () => {
    const far = await reportOnOpen311(north(2000), 'Lámpara fundida en el poste', apiKey);
    expect((await caseOf(far.service_request_id)).clusterParentId).toBeNull();
    const pothole = await app.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        api_key: apiKey,
        service_code: 'baches-pavimento',
        lat: String(LIGHT.lat),
        long: String(LIGHT.lon),
        description: 'Un bache junto al poste de luz',
      }).toString(),
    });
    const [other] = pothole.json() as Array<{ service_request_id: string }>;
    expect((await caseOf(other!.service_request_id)).clusterParentId).toBeNull();
  });

  it('joins the same address written three ways, without coordinates', async () => {
    const spellings = ['calle Juárez 210, col. Centro', 'juarez #210 col centro', 'C. Juárez 210, Centro'];
    const folios: string[] = [];
    for (const [i, address] of spellings.entries()) {
      const res = await api('POST', '/api/staff/cases', {
        channel: i === 0 ? 'telefono' : 'presencial',
        type: 'reporte',
        category: 'recoleccion-basura',
        description: 'No pasó el camión de la basura',
        address,
        phone: `33 2222 000${i}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      folios.push((res.json() as { case: { folio: string } }).case.folio);
    }
    const [a, b, c] = await Promise.all(folios.map(caseOf));
    expect(a!.placeKey).toBe(b!.placeKey);
    expect([b!.clusterParentId, c!.clusterParentId]).toEqual([a!.id, a!.id]);
    const elsewhere = await api('POST', '/api/staff/cases', {
      channel: 'telefono',
      type: 'reporte',
      category: 'recoleccion-basura',
      description: 'No pasó el camión de la basura',
      address: 'calle Juárez 212, col. Centro',
      phone: '33 2222 0009',
    });
    expect((await caseOf((elsewhere.json() as { case: { folio: string } }).case.folio)).clusterParentId).toBeNull();
  });

  it('closes every report of the cluster with the parent, each citizen told on their own channel', async () => {
    const p = await caseOf(parent);
    for (const action of [{ kind: 'receive' }, { kind: 'close', answer: 'Se cambió la lámpara del poste.' }]) {
      const res = await api('POST', `/api/staff/cases/${p.id}/actions`, action);
      expect(res.statusCode, res.body).toBe(200);
    }
    await app.queue.runDue(FOLLOW_UPS);
    const [b, c] = [await caseOf(second), await caseOf(third)];
    expect([b.status, c.status]).toEqual(['cerrado', 'cerrado']);
    const told = await app.database.db
      .select({ caseId: messages.caseId, channel: messages.channel, text: messages.text })
      .from(messages)
      .where(and(eq(messages.direction, 'out'), inArray(messages.caseId, [p.id, b.id, c.id])));
    const answers = told.filter((m) => m.text.includes('Se cambió la lámpara del poste.'));
    expect(answers.map((m) => [m.caseId, m.channel]).sort()).toEqual(
      [
        [p.id, 'telegram'],
        [b.id, 'whatsapp'],
        [c.id, 'email'],
      ].sort(),
    );
    // Each heard of the reception too, in their own words.
    const received = told.filter((m) => m.caseId === b.id && /recib/i.test(m.text));
    expect(received.length).toBeGreaterThan(0);
  });

  it('lets staff split a wrongly joined report and join two by hand, an event on both each time', async () => {
    const open = async (description: string, address: string) => {
      const res = await api('POST', '/api/staff/cases', {
        channel: 'telefono',
        type: 'reporte',
        category: 'agua-drenaje',
        description,
        address,
        phone: '33 4444 5555',
      });
      return caseOf((res.json() as { case: { folio: string } }).case.folio);
    };
    const leak = await open('Fuga de agua en la banqueta', 'calle Morelos 15, colonia Centro');
    const sewer = await open('Huele a drenaje, la coladera está tapada', 'calle Morelos 15, colonia Centro');
    expect(sewer.clusterParentId).toBe(leak.id);

    const split = await api('POST', `/api/staff/cases/${sewer.id}/cluster/split`);
    expect(split.statusCode, split.body).toBe(200);
    expect((await caseOf(sewer.folio)).clusterParentId).toBeNull();
    const page = await api('GET', `/api/staff/cases/${leak.id}`);
    expect((page.json() as { case: { cluster: { children: unknown[] } } }).case.cluster.children).toEqual([]);

    const again = await open('Sale agua de la toma', 'Morelos y Zaragoza, colonia Centro');
    expect(again.clusterParentId).toBeNull();
    const joined = await api('POST', `/api/staff/cases/${again.id}/cluster/join`, { folio: leak.folio.toLowerCase() });
    expect(joined.statusCode, joined.body).toBe(200);
    expect((await caseOf(again.folio)).clusterParentId).toBe(leak.id);
    const history = await app.database.db
      .select({ caseId: caseEvents.caseId, type: caseEvents.type })
      .from(caseEvents)
      .where(inArray(caseEvents.caseId, [leak.id, sewer.id, again.id]));
    const clusterEvents = history.filter((e) => e.type.startsWith('case.cluster_'));
    expect(clusterEvents).toEqual(
      expect.arrayContaining([
        { caseId: sewer.id, type: 'case.cluster_left' },
        { caseId: leak.id, type: 'case.cluster_lost' },
        { caseId: again.id, type: 'case.cluster_joined' },
        { caseId: leak.id, type: 'case.cluster_gained' },
      ]),
    );
    // A case is never joined to itself, nor to an unknown folio.
    expect((await api('POST', `/api/staff/cases/${leak.id}/cluster/join`, { folio: leak.folio })).statusCode).toBe(409);
    expect((await api('POST', `/api/staff/cases/${leak.id}/cluster/join`, { folio: 'AC-1999-000001' })).statusCode).toBe(400);
  });

  it('takes the radius an admin sets for the category', async () => {
    const categoriesList = await api('GET', '/api/staff/admin/categories');
    const light = (categoriesList.json() as { categories: Array<{ id: number; code: string }> }).categories.find(
      (c) => c.code === 'alumbrado-publico',
    )!;
    const changed = await api('PATCH', `/api/staff/admin/categories/${light.id}`, { clusterRadiusM: 10 });
    expect(changed.statusCode, changed.body).toBe(200);
    const elsewhere = { lat: 27.1, lon: -109.4 };
    const first = await reportOnOpen311(elsewhere, 'Lámpara fundida', apiKey);
    const near = await reportOnOpen311({ lat: elsewhere.lat + 30 / 111_320, lon: elsewhere.lon }, 'Lámpara fundida', apiKey);
    expect((await caseOf(near.service_request_id)).clusterParentId).toBeNull();
    const close = await reportOnOpen311({ lat: elsewhere.lat + 5 / 111_320, lon: elsewhere.lon }, 'Lámpara fundida', apiKey);
    expect((await caseOf(close.service_request_id)).clusterParentId).toBe((await caseOf(first.service_request_id)).id);
  });
});
