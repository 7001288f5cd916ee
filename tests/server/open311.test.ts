import { eq, sql } from 'drizzle-orm';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { auditLog, caseEvents, cases, citizens } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

// Issue 19: Open311 GeoReport v2, in JSON and XML with the spec's names, filing through an admin's
// key, and public answers that carry nothing of the citizen.

let app: TestApp;
let admin: Record<string, string>;
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'attribute', 'value'].includes(name),
});
const CITIZEN = { first_name: 'Rosalba', last_name: 'Quintero Yáñez', phone: '6441239876', email: 'rosalba.quintero@correo.test' };
const HOME = 'Privada Las Palmas 1437, colonia Centro';

const get = (url: string) => app.app.inject({ method: 'GET', url });
const postForm = (format: 'json' | 'xml', fields: Record<string, string>) =>
  app.app.inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

async function issue(name: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/open311/keys', headers: admin, payload: { name } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; api_key: string; name: string };
}

beforeAll(async () => {
  app = await createTestApp({ env: { OPEN311_REQUESTS_PER_MINUTE: '12' } });
  const login = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: ADMIN.email, password: ADMIN.password } });
  admin = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
});
afterAll(async () => app?.close());

describe(`Open311 GeoReport v2 on ${databaseKind}`, () => {
  let key: { id: number; api_key: string };
  let filed: { service_request_id: string; token: string; service_notice: string; account_id: string | null };
  let complaint: string;

  it('lists the categories as services, and a service definition with its attribute, in JSON and XML', async () => {
    const json = await get('/open311/v2/services.json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    const services = json.json() as Array<Record<string, unknown>>;
    const baches = services.find((s) => s.service_code === 'baches-pavimento');
    expect(baches).toEqual({
      service_code: 'baches-pavimento',
      service_name: 'Baches y pavimento',
      description: expect.stringContaining('Obras'),
      metadata: true,
      type: 'realtime',
      keywords: '',
      group: expect.stringContaining('Obras'),
    });
    const inXml = await get('/open311/v2/services.xml');
    expect(inXml.headers['content-type']).toContain('text/xml');
    const parsed = xml.parse(inXml.body) as { services: { service: Array<Record<string, string>> } };
    expect(parsed.services.service).toHaveLength(services.length);
    expect(parsed.services.service.find((s) => s.service_code === 'baches-pavimento')).toMatchObject({
      metadata: 'true',
      type: 'realtime',
    });

    const definition = (await get('/open311/v2/services/baches-pavimento.json')).json() as {
      service_code: string;
      attributes: Array<{ code: string; datatype: string; values: Array<{ key: string; name: string }> }>;
    };
    expect(definition.service_code).toBe('baches-pavimento');
    expect(definition.attributes[0]).toMatchObject({
      code: 'tipo',
      datatype: 'singlevaluelist',
      required: false,
      variable: true,
      order: 1,
    });
    expect(definition.attributes[0]!.values.map((v) => v.key)).toEqual(['queja', 'solicitud_informacion', 'sugerencia', 'reporte']);
    const definitionXml = xml.parse((await get('/open311/v2/services/baches-pavimento.xml')).body) as {
      service_definition: { service_code: string; attributes: { attribute: Array<{ code: string; values: { value: unknown[] } }> } };
    };
    expect(definitionXml.service_definition.attributes.attribute[0]!.code).toBe('tipo');
    expect(definitionXml.service_definition.attributes.attribute[0]!.values.value).toHaveLength(4);

    const missing = await get('/open311/v2/services/no-existe.xml');
    expect(missing.statusCode).toBe(404);
    expect(xml.parse(missing.body)).toEqual({
      '?xml': '',
      errors: { error: [{ code: '404', description: expect.stringContaining('no-existe') }] },
    });
  });

  it('refuses a request without a key, with a wrong one or a revoked one, in the spec’s error format', async () => {
    key = await issue('App Vecinos Huatabampo');
    const listed = (await app.app.inject({ method: 'GET', url: '/api/staff/open311/keys', headers: admin })).json() as { keys: object[] };
    expect(JSON.stringify(listed)).not.toContain(key.api_key);
    const fields = { service_code: 'baches-pavimento', lat: '27.0', long: '-109.6', description: 'Bache' };
    const without = await postForm('json', fields);
    expect(without.statusCode).toBe(400);
    expect(without.json()).toEqual([{ code: 400, description: expect.stringContaining('api_key') }]);
    const wrong = await postForm('xml', { ...fields, api_key: 'v311_inventada' });
    expect(wrong.statusCode).toBe(403);
    expect(xml.parse(wrong.body).errors.error[0].code).toBe('403');
    const revoked = await issue('App retirada');
    expect((await app.app.inject({ method: 'POST', url: `/api/staff/open311/keys/${revoked.id}/revoke`, headers: admin })).statusCode).toBe(
      200,
    );
    const afterRevoke = await postForm('json', { ...fields, api_key: revoked.api_key });
    expect(afterRevoke.statusCode).toBe(403);
    expect(afterRevoke.json()).toEqual([{ code: 403, description: expect.any(String) }]);
    const noPlace = await postForm('json', { api_key: key.api_key, service_code: 'baches-pavimento', description: 'Bache' });
    expect(noPlace.statusCode).toBe(400);
    const operador = await app.app.inject({ method: 'POST', url: '/api/staff/open311/keys', payload: { name: 'x' } });
    expect(operador.statusCode).toBe(401);
    const audited = await app.database.db.select().from(auditLog).where(eq(auditLog.subjectType, 'open311_key'));
    expect(audited.map((a) => a.action).sort()).toEqual(['open311_key.issued', 'open311_key.issued', 'open311_key.revoked']);
  });

  it('files a form-encoded request as a case of the channel Open311, attributed to the key, and finds it by token', async () => {
    const res = await postForm('json', {
      api_key: key.api_key,
      service_code: 'baches-pavimento',
      lat: '27.0412',
      long: '-109.6423',
      address_string: 'Calle Morelos y Juárez',
      description: `Bache hondo en el cruce; soy ${CITIZEN.first_name}, vivo en ${HOME}`,
      account_id: 'cuenta-77',
      ...CITIZEN,
    });
    expect(res.statusCode, res.body).toBe(200);
    [filed] = res.json() as [typeof filed];
    expect(filed).toEqual({
      service_request_id: expect.stringMatching(/^AC-\d{4}-\d{6}$/),
      token: expect.any(String),
      service_notice: expect.stringContaining(filed.service_request_id),
      account_id: 'cuenta-77',
    });
    const [opened] = await app.database.db.select().from(cases).where(eq(cases.folio, filed.service_request_id));
    expect(opened).toMatchObject({
      channel: 'open311',
      type: 'reporte',
      latitude: 27.0412,
      longitude: -109.6423,
      address: 'Calle Morelos y Juárez',
    });
    const [citizen] = await app.database.db.select().from(citizens).where(eq(citizens.id, opened!.citizenId));
    expect(citizen).toMatchObject({ name: `${CITIZEN.first_name} ${CITIZEN.last_name}`, phone: CITIZEN.phone, email: CITIZEN.email });
    const [event] = await app.database.db.select().from(caseEvents).where(eq(caseEvents.type, 'case.filed_by_app'));
    expect(event!.data).toMatchObject({ app: 'App Vecinos Huatabampo', keyId: key.id, serviceCode: 'baches-pavimento' });

    const byToken = await get(`/open311/v2/tokens/${filed.token}.xml`);
    expect(xml.parse(byToken.body).service_requests.request).toEqual([
      { service_request_id: filed.service_request_id, token: filed.token },
    ]);
    expect((await get('/open311/v2/tokens/otro.json')).statusCode).toBe(404);

    // JSON bodies too, with the attribute nested; a complaint is not public.
    const json = await app.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: {
        api_key: key.api_key,
        service_code: 'otros',
        address_string: HOME,
        attribute: { tipo: 'queja' },
        description: 'El inspector me trató mal',
        ...CITIZEN,
      },
    });
    expect(json.statusCode, json.body).toBe(200);
    complaint = (json.json() as [{ service_request_id: string }])[0].service_request_id;
    const [queja] = await app.database.db.select().from(cases).where(eq(cases.folio, complaint));
    expect(queja!.type).toBe('queja');
  });

  it('gives requests with the spec’s fields, filtered by id, service, dates and status, in JSON and XML', async () => {
    const one = await get(`/open311/v2/requests/${filed.service_request_id}.json`);
    expect(one.statusCode).toBe(200);
    const [request] = one.json() as [Record<string, unknown>];
    expect(Object.keys(request!).sort()).toEqual(
      [
        'service_request_id',
        'status',
        'status_notes',
        'service_name',
        'service_code',
        'description',
        'agency_responsible',
        'service_notice',
        'requested_datetime',
        'updated_datetime',
        'expected_datetime',
        'address',
        'address_id',
        'zipcode',
        'lat',
        'long',
        'media_url',
      ].sort(),
    );
    expect(request).toMatchObject({
      status: 'open',
      service_code: 'baches-pavimento',
      lat: 27.0412,
      long: -109.6423,
      address: 'Calle Morelos y Juárez',
    });
    expect(new Date(request!.expected_datetime as string).getTime()).toBeGreaterThan(
      new Date(request!.requested_datetime as string).getTime(),
    );
    const inXml = xml.parse((await get(`/open311/v2/requests/${filed.service_request_id}.xml`)).body);
    expect(inXml.service_requests.request[0]).toMatchObject({
      service_request_id: filed.service_request_id,
      status: 'open',
      lat: '27.0412',
    });

    // A second report, closed, filed "yesterday".
    const second = (
      await postForm('json', { api_key: key.api_key, service_code: 'alumbrado-publico', lat: '27.05', long: '-109.64' })
    ).json() as [{ service_request_id: string }];
    const closedId = second[0].service_request_id;
    await app.database.db.execute(
      sql`update cases set status = 'cerrado', closed_at = now(), created_at = created_at - interval '1 day' where folio = ${closedId}`,
    );
    const ids = (url: string) => get(url).then((r) => (r.json() as Array<{ service_request_id: string }>).map((x) => x.service_request_id));
    expect(await ids('/open311/v2/requests.json?status=closed')).toEqual([closedId]);
    expect(await ids('/open311/v2/requests.json?status=open')).toEqual([filed.service_request_id]);
    expect((await ids('/open311/v2/requests.json?status=open,closed')).sort()).toEqual([closedId, filed.service_request_id].sort());
    expect(await ids('/open311/v2/requests.json?service_code=alumbrado-publico')).toEqual([closedId]);
    expect(await ids(`/open311/v2/requests.json?service_request_id=${closedId},${filed.service_request_id}`)).toHaveLength(2);
    const [{ created }] = (await queryRows<{ created: Date }>(
      app.database.db,
      sql`select created_at as created from cases where folio = ${closedId}`,
    )) as [{ created: Date }];
    const day = new Date(created).toISOString().slice(0, 10);
    expect(await ids(`/open311/v2/requests.json?start_date=${day}T00:00:00Z&end_date=${day}`)).toEqual([closedId]);
    expect(await ids('/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z')).toEqual([]);
    const bad = await get('/open311/v2/requests.xml?status=pendiente');
    expect(bad.statusCode).toBe(400);
    expect(xml.parse(bad.body).errors.error[0].code).toBe('400');
  });

  it('answers nothing personal: no name, phone, email, home address or description, and no private type', async () => {
    expect((await get(`/open311/v2/requests/${complaint}.json`)).statusCode).toBe(404);
    const answers = await Promise.all(
      [
        '/open311/v2/services.json',
        '/open311/v2/services.xml',
        '/open311/v2/requests.json',
        '/open311/v2/requests.xml',
        '/open311/v2/requests.json?status=open,closed&start_date=2000-01-01T00:00:00Z',
        `/open311/v2/requests/${filed.service_request_id}.json`,
        `/open311/v2/requests/${filed.service_request_id}.xml`,
        `/open311/v2/requests/${complaint}.xml`,
        `/open311/v2/tokens/${filed.token}.json`,
        '/open311/v2/discovery.json',
        // The public status page shows the same case to whoever holds its folio.
        `/estado/${filed.service_request_id}`,
        `/estado/${complaint}`,
      ].map(async (url) => {
        const res = await get(url);
        if (url.startsWith('/estado/')) expect(res.statusCode, url).toBe(200);
        return [url, res.body] as const;
      }),
    );
    answers.push(['POST answer', JSON.stringify(filed)]);
    for (const [url, body] of answers)
      for (const personal of [
        CITIZEN.first_name,
        CITIZEN.last_name,
        CITIZEN.phone,
        CITIZEN.email,
        HOME,
        'Privada Las Palmas',
        'Bache hondo',
        'inspector',
        'cuenta-77',
      ])
        if (url !== 'POST answer' || personal !== 'cuenta-77') expect(body, `${url} shows «${personal}»`).not.toContain(personal);
  });

  it('limits the requests one key files per minute, in the spec’s error format', async () => {
    const busy = await issue('App con prisa');
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++)
      statuses.push((await postForm('json', { api_key: busy.api_key, service_code: 'otros', address_string: `Calle ${i}` })).statusCode);
    expect(statuses.slice(0, 12).every((s) => s === 200)).toBe(true);
    const limited = await postForm('xml', { api_key: busy.api_key, service_code: 'otros', address_string: 'Calle 13' });
    expect(limited.statusCode).toBe(429);
    expect(xml.parse(limited.body).errors.error[0].code).toBe('429');
    // Another key is not held back by it.
    expect((await postForm('json', { api_key: key.api_key, service_code: 'otros', address_string: 'Calle 14' })).statusCode).toBe(200);
  });
});
