import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { MAP_CAP, mapFrame } from '../../src/cases/case-map.js';
import { cases, categories, departments, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

// Issue 20: the console's map reads the open reports with a place, one point per report the
// department works, sized by the reports joined to it; nothing of the citizen.

const DAY = 86_400_000;
const NOW = OFFICE_HOURS_NOW;
const CITIZEN = { name: 'Rosalba Quintero Yáñez', phone: '6441239876' };
const HOME = 'Privada Las Palmas 1437, colonia Centro';
const WORDS = 'La lámpara frente a la casa de doña Rosalba está fundida';

let app: TestApp;
let admin: Session;
let agua: Session;

async function signIn(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, csrf: res.json().csrfToken as string };
}
type Session = Awaited<ReturnType<typeof signIn>>;

interface MapAnswer {
  center: { lat: number; lon: number };
  zoom: number;
  bounds: { south: number; west: number; north: number; east: number } | null;
  tiles: { url: string; attribution: string } | null;
  cases: Array<{ id: number; folio: string; categoryCode: string; ageDays: number; reports: number; lat: number; lon: number }>;
  truncated: boolean;
}

async function map(s: Session, query = ''): Promise<MapAnswer> {
  const res = await app.app.inject({ method: 'GET', url: `/api/staff/map?${query}`, headers: { cookie: s.cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MapAnswer;
}

/** Opens a case on behalf of the citizen, then places it and dates it as the test needs. */
async function open(
  category: string,
  place: { lat: number; lon: number } | null,
  options: { ageMs?: number; type?: 'reporte' | 'queja'; parent?: number; status?: 'cerrado' } = {},
) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/staff/cases',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    payload: { channel: 'telefono', type: options.type ?? 'reporte', category, description: WORDS, address: HOME, ...CITIZEN },
  });
  expect(res.statusCode, res.body).toBe(200);
  const opened = res.json().case as { id: number; folio: string };
  await app.database.db
    .update(cases)
    .set({
      latitude: place?.lat ?? null,
      longitude: place?.lon ?? null,
      createdAt: new Date(NOW.getTime() - (options.ageMs ?? DAY)),
      clusterParentId: options.parent ?? null,
      ...(options.status ? { status: options.status, closedAt: NOW } : {}),
    })
    .where(eq(cases.id, opened.id));
  return opened;
}

const ids = (answer: MapAnswer) => answer.cases.map((c) => c.id).sort((a, b) => a - b);
const sorted = (...list: Array<{ id: number }>) => list.map((c) => c.id).sort((a, b) => a - b);

let lamp: { id: number; folio: string };
let pothole: { id: number; folio: string };
let water: { id: number; folio: string };
let oldLamp: { id: number; folio: string };
let weekOld: { id: number; folio: string };

beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  const [aguaDepartment] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
  await app.database.db.insert(staffUsers).values({
    email: 'agua@muni.test',
    name: 'Agua',
    role: 'responsable',
    departmentId: aguaDepartment!.id,
    passwordHash: await hashPassword('clave-segura-123'),
  });
  admin = await signIn(ADMIN.email, ADMIN.password);
  agua = await signIn('agua@muni.test', 'clave-segura-123');

  // A lamp out, reported four times: the parent and three joined to it (one of them already closed).
  lamp = await open('alumbrado-publico', { lat: 27.0701, lon: -109.4402 }, { ageMs: 2 * DAY });
  await open('alumbrado-publico', { lat: 27.0702, lon: -109.4401 }, { parent: lamp.id });
  await open('alumbrado-publico', { lat: 27.0703, lon: -109.4403 }, { parent: lamp.id });
  await open('alumbrado-publico', { lat: 27.07, lon: -109.44 }, { parent: lamp.id, status: 'cerrado' });
  pothole = await open('baches-pavimento', { lat: 27.075, lon: -109.45 }, { ageMs: 3 * DAY });
  water = await open('agua-drenaje', { lat: 27.06, lon: -109.43 }, { ageMs: 12 * DAY });
  // Exactly seven days old: the first day of the 7–30 band. And one of 40 days.
  weekOld = await open('alumbrado-publico', { lat: 27.065, lon: -109.445 }, { ageMs: 7 * DAY });
  oldLamp = await open('alumbrado-publico', { lat: 27.08, lon: -109.46 }, { ageMs: 40 * DAY });
  // Not on the map: closed, without a place, and a complaint (its place may be the citizen's home).
  await open('alumbrado-publico', { lat: 27.071, lon: -109.441 }, { status: 'cerrado' });
  await open('alumbrado-publico', null);
  await open('alumbrado-publico', { lat: 27.072, lon: -109.442 }, { type: 'queja' });
}, 60_000);
afterAll(async () => app?.close());

describe(`the console's map on ${databaseKind}`, () => {
  it('lists the open reports with a place, each parent once with the reports joined to it', async () => {
    const answer = await map(admin);
    expect(ids(answer)).toEqual(sorted(lamp, pothole, water, weekOld, oldLamp));
    const byId = new Map(answer.cases.map((c) => [c.id, c]));
    // Itself and three joined (a closed one too).
    expect(byId.get(lamp.id)).toMatchObject({ folio: lamp.folio, reports: 4, ageDays: 2, lat: 27.0701, lon: -109.4402 });
    expect(byId.get(pothole.id)).toMatchObject({ reports: 1, categoryCode: 'baches-pavimento' });
    expect(byId.get(weekOld.id)?.ageDays).toBe(7);
    expect(answer.truncated).toBe(false);
    // Newest first.
    expect(answer.cases[0]!.id).toBe(lamp.id);
    // No tile server configured: the console draws a plain background; the view fits the points.
    expect(answer.tiles).toBeNull();
    expect(answer.bounds).toEqual({ south: 27.06, west: -109.46, north: 27.08, east: -109.43 });
  });

  it('says nothing of the citizen: no name, phone, words or address', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/staff/map', headers: { cookie: admin.cookie } });
    for (const secret of [CITIZEN.name, 'Rosalba', CITIZEN.phone, WORDS, 'lámpara', HOME, 'Palmas'])
      expect(res.body, secret).not.toContain(secret);
    expect(Object.keys(res.json().cases[0]).sort()).toEqual(
      [
        'ageDays',
        'categoryCode',
        'categoryName',
        'createdAt',
        'departmentName',
        'folio',
        'id',
        'lat',
        'lon',
        'reports',
        'status',
        'type',
      ].sort(),
    );
  });

  it('filters by category, by age in whole days and by department', async () => {
    expect(ids(await map(admin, 'category=alumbrado-publico'))).toEqual(sorted(lamp, weekOld, oldLamp));
    expect(ids(await map(admin, 'minAgeDays=0&maxAgeDays=6'))).toEqual(sorted(lamp, pothole));
    expect(ids(await map(admin, 'minAgeDays=7&maxAgeDays=30'))).toEqual(sorted(water, weekOld));
    expect(ids(await map(admin, 'minAgeDays=31'))).toEqual(sorted(oldLamp));
    expect(ids(await map(admin, 'category=alumbrado-publico&minAgeDays=7&maxAgeDays=30'))).toEqual(sorted(weekOld));
    const [obras] = await app.database.db.select().from(departments).where(eq(departments.code, 'obras-publicas'));
    expect(ids(await map(admin, `departmentId=${obras!.id}`))).toEqual(sorted(pothole));
    expect(ids(await map(admin, 'category=no-existe'))).toEqual([]);
    const bad = await app.app.inject({ method: 'GET', url: '/api/staff/map?minAgeDays=-1', headers: { cookie: admin.cookie } });
    expect(bad.statusCode).toBe(400);
  });

  it("shows department staff their department's reports only, whatever they ask", async () => {
    expect(ids(await map(agua))).toEqual(sorted(water));
    const [servicios] = await app.database.db.select().from(departments).where(eq(departments.code, 'servicios-publicos'));
    expect(ids(await map(agua, `departmentId=${servicios!.id}`))).toEqual([]);
    expect(ids(await map(agua, 'category=alumbrado-publico'))).toEqual([]);
  });

  it('needs a session', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/staff/map' });
    expect(res.statusCode).toBe(401);
  });

  it(`shows the newest ${MAP_CAP} and says so when more match`, async () => {
    const [category] = await app.database.db.select().from(categories).where(eq(categories.code, 'parques-jardines'));
    const [{ citizenId } = { citizenId: 0 }] = await app.database.db
      .select({ citizenId: cases.citizenId })
      .from(cases)
      .where(eq(cases.id, lamp.id));
    await app.database.db.execute(sql`
      insert into cases (folio, folio_year, folio_seq, type, category_id, department_id, citizen_id, channel, description, due_at, created_at, latitude, longitude)
      select 'MAP-' || g, 2099, g, 'reporte', ${category!.id}, ${category!.departmentId}, ${citizenId}, 'telefono', 'x',
             ${NOW.toISOString()}::timestamptz + interval '30 days', ${NOW.toISOString()}::timestamptz - g * interval '1 minute', 27.05, -109.42
      from generate_series(1, ${MAP_CAP + 1}) g`);
    const answer = await map(admin, 'category=parques-jardines');
    expect(answer.cases).toHaveLength(MAP_CAP);
    expect(answer.truncated).toBe(true);
    expect(answer.cases[0]!.folio).toBe('MAP-1');
    expect((await map(admin, 'category=baches-pavimento')).truncated).toBe(false);
  }, 60_000);
});

describe('where the map opens', () => {
  const points = [
    { lat: 27.06, lon: -109.43 },
    { lat: 27.08, lon: -109.46 },
  ];
  it('fits the points, unless MAP_CENTER fixes the view', () => {
    expect(mapFrame(points, { center: undefined, zoom: 14 })).toEqual({
      center: { lat: 27.07, lon: -109.445 },
      zoom: 14,
      bounds: { south: 27.06, west: -109.46, north: 27.08, east: -109.43 },
    });
    expect(mapFrame(points, { center: { lat: 27.1, lon: -109.4 }, zoom: 15 })).toEqual({
      center: { lat: 27.1, lon: -109.4 },
      zoom: 15,
      bounds: null,
    });
  });

  it("opens an empty map at the gazetteer's middle, or else a default", () => {
    const placesCentre = { lat: 27.07, lon: -109.44 };
    expect(mapFrame([], { center: undefined, zoom: 14, placesCentre })).toEqual({ center: placesCentre, zoom: 14, bounds: null });
    expect(mapFrame([], { center: undefined, zoom: 14 }).bounds).toBeNull();
  });
});
