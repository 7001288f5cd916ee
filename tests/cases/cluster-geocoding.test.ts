import { createServer, type Server } from 'node:http';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCATE_CASE_JOB } from '../../src/cases/open-case.js';
import { cases, messages } from '../../src/db/schema.js';
import type { ChannelSender } from '../../src/messages/delivery.js';
import { loadGazetteerCsv } from '../../src/places/gazetteer-csv.js';
import { createGeocoder } from '../../src/places/geocoder.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/**
 * Reports that give only an address are placed (issue 20): by the municipality's gazetteer while
 * the case opens, or by an external geocoder after commit, and then join the problem's cluster.
 */

const GAZETTEER = 'docs/examples/gazetteer.example.csv';
const mail: ChannelSender = { send: async (delivery) => ({ externalId: `mail-${delivery.messageId}` }) };

async function login(app: TestApp) {
  const res = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
  return (res.json() as { token: string }).token;
}

async function fileOpen311(app: TestApp, token: string, point: { lat: number; lon: number }, code = 'alumbrado-publico') {
  const key = await app.app.inject({
    method: 'POST',
    url: '/api/staff/open311/keys',
    headers: { authorization: `Bearer ${token}` },
    payload: { name: `app-${Math.random()}` },
  });
  const res = await app.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: (key.json() as { api_key: string }).api_key,
      service_code: code,
      lat: String(point.lat),
      long: String(point.lon),
      description: 'La lámpara no enciende',
    }).toString(),
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as Array<{ service_request_id: string }>)[0]!.service_request_id;
}

async function openByPhone(app: TestApp, token: string, address: string, email?: string) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/staff/cases',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      channel: 'telefono',
      type: 'reporte',
      category: 'alumbrado-publico',
      description: 'No prende el foco del poste',
      address,
      phone: '33 5555 0000',
      ...(email ? { email } : {}),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  const { folio } = (res.json() as { case: { folio: string } }).case;
  return folio;
}

const caseOf = async (app: TestApp, folio: string) => (await app.database.db.select().from(cases).where(eq(cases.folio, folio)))[0]!;

describe(`placing reports by their address on ${databaseKind}`, () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await createTestApp({ env: { GAZETTEER_FILE: GAZETTEER } });
    token = await login(app);
  });
  afterAll(async () => app?.close());

  it('places typical spellings with the gazetteer while the case opens, and joins the report there', async () => {
    const point = await createGeocoder({ gazetteer: loadGazetteerCsv(GAZETTEER) }).geocode('Hidalgo 123, Centro');
    expect(point).not.toBeNull();
    const parent = await caseOf(app, await fileOpen311(app, token, point!));
    for (const spelling of ['C. Hidalgo #123, Col. Centro', 'calle hidalgo 123 centro']) {
      const child = await caseOf(app, await openByPhone(app, token, spelling));
      expect(child.latitude, spelling).toBeCloseTo(point!.lat, 5);
      expect(child.longitude, spelling).toBeCloseTo(point!.lon, 5);
      expect(child.clusterParentId, spelling).toBe(parent.id);
    }
  });
});

describe(`placing reports with an external geocoder on ${databaseKind}`, () => {
  let app: TestApp;
  let token: string;
  let server: Server;
  const asked: string[] = [];
  beforeAll(async () => {
    // A stand-in for a self-hosted Nominatim, speaking its /search?format=jsonv2.
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      asked.push(url.searchParams.get('q') ?? '');
      const found = /pino/i.test(url.searchParams.get('q') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify(
          found
            ? [
                {
                  place_id: 1,
                  lat: '27.0712345',
                  lon: '-109.4433210',
                  category: 'place',
                  type: 'house',
                  place_rank: 30,
                  addresstype: 'place',
                  display_name: '45, Calle Pino, Los Pinos, Sonora, México',
                },
              ]
            : [],
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    app = await createTestApp({
      env: { GEOCODER_URL: `http://127.0.0.1:${port}`, SMTP_URL: 'smtp://127.0.0.1:9', EMAIL_FROM: 'Atención <atencion@muni.test>' },
      senders: new Map([['email', mail]]),
    });
    token = await login(app);
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('looks the address up after commit, stores the point, joins the report and tells the citizen', async () => {
    const parent = await caseOf(app, await fileOpen311(app, token, { lat: 27.0712, lon: -109.4433 }));
    const folio = await openByPhone(app, token, 'calle Pino 45, Los Pinos', 'vecina@correo.test');
    // Nothing waits on the network inside the opening: the point comes after.
    expect((await caseOf(app, folio)).latitude).toBeNull();
    await app.queue.runDue({ kinds: [LOCATE_CASE_JOB] });
    expect(asked.some((q) => /pino 45/i.test(q))).toBe(true);
    const child = await caseOf(app, folio);
    expect(child.latitude).toBeCloseTo(27.0712345, 6);
    expect(child.clusterParentId).toBe(parent.id);
    const told = await app.database.db
      .select({ text: messages.text, channel: messages.channel })
      .from(messages)
      .where(and(eq(messages.caseId, child.id), eq(messages.direction, 'out')));
    expect(told).toEqual([
      { channel: 'email', text: expect.stringContaining(`Ya hay un reporte de este problema (folio ${parent.folio})`) },
    ]);
  });

  it('leaves a report the geocoder cannot place as it was', async () => {
    const folio = await openByPhone(app, token, 'Callejón Sin Nombre 9, colonia Desconocida');
    await app.queue.runDue({ kinds: [LOCATE_CASE_JOB] });
    expect(await caseOf(app, folio)).toMatchObject({ latitude: null, clusterParentId: null });
  });
});
