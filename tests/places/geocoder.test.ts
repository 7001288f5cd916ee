import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { distanceMetres } from '../../src/places/distance.js';
import { loadGazetteerCsv, type StreetSegment } from '../../src/places/gazetteer-csv.js';
import { createGeocoder } from '../../src/places/geocoder.js';

const EXAMPLE = new URL('../../docs/examples/gazetteer.example.csv', import.meta.url).pathname;
const gazetteer = loadGazetteerCsv(EXAMPLE);
const geocoder = createGeocoder({ gazetteer });

function segmentOf(street: string, colony: string): StreetSegment {
  const segment = gazetteer.streets.find((s) => s.name === street)?.segments.find((s) => s.colony === colony);
  if (!segment) throw new Error(`${street} in ${colony} is not in the example`);
  return segment;
}

const between = (x: number, a: number, b: number) => x >= Math.min(a, b) - 1e-9 && x <= Math.max(a, b) + 1e-9;

describe('geocoding with the gazetteer', () => {
  const hidalgo = segmentOf('Hidalgo', 'Centro');

  it('places "C. Hidalgo #123, Col. Centro", "calle hidalgo 123 centro" and "Hidalgo 123" on one point of the block', async () => {
    const spellings = ['C. Hidalgo #123, Col. Centro', 'calle hidalgo 123 centro', 'Hidalgo 123'];
    const results = await Promise.all(spellings.map((a) => geocoder.geocode(a)));
    for (const r of results) expect(r).toMatchObject({ precision: 'house', source: 'gazetteer' });
    expect(new Set(results.map((r) => `${r?.lat},${r?.lon}`)).size).toBe(1);
    const r = results[0]!;
    expect(between(r.lat, hidalgo.start.lat, hidalgo.end.lat)).toBe(true);
    expect(between(r.lon, hidalgo.start.lon, hidalgo.end.lon)).toBe(true);
    // 123 of 1–599: about a fifth of the way from the segment's start.
    const along = distanceMetres(hidalgo.start, r) / distanceMetres(hidalgo.start, hidalgo.end);
    expect(along).toBeCloseTo(122 / 598, 2);
  });

  it('takes the segment in the named colony, and the one whose numbers hold the house otherwise', async () => {
    const palmas = segmentOf('Hidalgo', 'Las Palmas');
    const r = await geocoder.geocode('Hidalgo 900');
    expect(r?.precision).toBe('house');
    expect(between(r!.lat, palmas.start.lat, palmas.end.lat)).toBe(true);
    const centro = segmentOf('Av. Juárez', 'Centro');
    const j = await geocoder.geocode('Av. Juárez 650', { colony: 'Centro' });
    expect(between(j!.lat, centro.start.lat, centro.end.lat)).toBe(true);
  });

  it('puts a street without a number (or with one it does not have) at its middle', async () => {
    const r = await geocoder.geocode('calle Hidalgo');
    expect(r).toMatchObject({ precision: 'street', source: 'gazetteer' });
    expect(r?.lat).toBeCloseTo(hidalgo.end.lat, 6);
    expect((await geocoder.geocode('Hidalgo 5000'))?.precision).toBe('street');
  });

  it('places a corner where its streets cross, whichever comes first', async () => {
    const a = await geocoder.geocode('Hidalgo esq. Madero');
    const b = await geocoder.geocode('esquina de Madero e Hidalgo');
    expect(a).toMatchObject({ precision: 'corner' });
    expect(b).toEqual(a);
    const madero = segmentOf('Madero', 'Centro');
    expect(a?.lat).toBeCloseTo(madero.start.lat, 6);
    expect(a?.lon).toBeCloseTo(hidalgo.start.lon, 6);
  });

  it('places a landmark, named alone or by a reference to it', async () => {
    const mercado = gazetteer.landmarks.find((l) => l.name === 'Mercado Hidalgo')!.point;
    expect(await geocoder.geocode('Mercado Hidalgo')).toEqual({ ...mercado, precision: 'landmark', source: 'gazetteer' });
    expect(await geocoder.geocode('frente al mercado hidalgo')).toMatchObject({ ...mercado, precision: 'landmark' });
    expect((await geocoder.geocode('a un lado de la Plaza de Armas'))?.precision).toBe('landmark');
  });

  it('places a colony at its point, named alone, with its type or as the hint', async () => {
    const palmas = gazetteer.colonies.find((c) => c.name === 'Las Palmas')!.point;
    for (const a of ['Las Palmas', 'col. Las Palmas', 'Colonia las palmas']) {
      expect(await geocoder.geocode(a), a).toEqual({ ...palmas, precision: 'colony', source: 'gazetteer' });
    }
    expect(await geocoder.geocode('Calle Inexistente 45', { colony: 'Las Palmas' })).toMatchObject({ ...palmas, precision: 'colony' });
  });

  it('forgives one typo in a name of six letters or more, as the dialog does', async () => {
    const right = await geocoder.geocode('Zaragoza 45');
    expect(right?.precision).toBe('house');
    expect(await geocoder.geocode('Zaragosa 45')).toEqual(right);
    expect(await geocoder.geocode('calle Hidalgoo 123, col. Centro')).toEqual(await geocoder.geocode('Hidalgo 123'));
    expect((await geocoder.geocode('Lomas del Vallee'))?.precision).toBe('colony');
    // Short names must be spelled right.
    expect(await geocoder.geocode('Cedr 45')).toBeNull();
  });

  it('answers null for what it does not know, and without a gazetteer', async () => {
    expect(await geocoder.geocode('Calle Inexistente 45')).toBeNull();
    expect(await geocoder.geocode('')).toBeNull();
    expect(await createGeocoder().geocode('Hidalgo 123')).toBeNull();
  });
});

/** A stand-in for Nominatim's /search in format=jsonv2, on 127.0.0.1. */
type Mode = 'hit' | 'street' | 'empty' | 'error' | 'hang' | 'garbage';
let mode: Mode = 'hit';
const requests: Array<{ url: URL; headers: IncomingHttpHeaders }> = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ url, headers: req.headers });
    if (mode === 'hang') return; // never answers
    if (mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    const results = {
      hit: [
        {
          place_id: 123456,
          licence: 'Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright',
          osm_type: 'node',
          osm_id: 987654,
          lat: '27.0712345',
          lon: '-109.4433210',
          category: 'place',
          type: 'house',
          place_rank: 30,
          importance: 0.00001,
          addresstype: 'place',
          name: '',
          display_name: '45, Calle Pino, Los Pinos, Villa de San Ignacio, Sonora, 85800, México',
          boundingbox: ['27.0711845', '27.0712845', '-109.4433710', '-109.4432710'],
        },
      ],
      street: [
        {
          place_id: 2,
          lat: '27.0701',
          lon: '-109.4502',
          category: 'highway',
          type: 'residential',
          place_rank: 26,
          addresstype: 'road',
          display_name: 'Calle Pino, Villa de San Ignacio',
        },
      ],
      empty: [],
      garbage: [{ place_id: 1, display_name: 'no coordinates' }],
    }[mode];
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(results));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  mode = 'hit';
  requests.length = 0;
});

describe('geocoding with Nominatim', () => {
  it('asks /search in jsonv2 for one result, in the configured countries and box, with a User-Agent', async () => {
    const nominatim = createGeocoder({
      nominatimUrl: `${baseUrl}/`,
      countryCodes: ['mx'],
      viewbox: { minLon: -109.5, minLat: 27.0, maxLon: -109.3, maxLat: 27.2 },
      locality: 'Villa de San Ignacio, Sonora',
    });
    const r = await nominatim.geocode('Calle Pino 45', { colony: 'Los Pinos' });
    expect(r).toEqual({ lat: 27.0712345, lon: -109.443321, precision: 'house', source: 'nominatim' });
    expect(requests).toHaveLength(1);
    const { url, headers } = requests[0]!;
    expect(url.pathname).toBe('/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      q: 'Calle Pino 45, Los Pinos, Villa de San Ignacio, Sonora',
      format: 'jsonv2',
      limit: '1',
      addressdetails: '0',
      countrycodes: 'mx',
      viewbox: '-109.5,27,-109.3,27.2',
      bounded: '1',
    });
    expect(headers['user-agent']).toMatch(/^Ventanilla\/\d/);
  });

  it('tells a street from a house by the result’s category and rank', async () => {
    mode = 'street';
    expect(await createGeocoder({ nominatimUrl: baseUrl }).geocode('Calle Pino')).toMatchObject({ precision: 'street', lon: -109.4502 });
  });

  it('answers null for an empty answer, a 500, a malformed answer and a timeout, and tells why', async () => {
    const errors: Error[] = [];
    const nominatim = createGeocoder({ nominatimUrl: baseUrl, timeoutMs: 150, onError: (e) => errors.push(e) });
    mode = 'empty';
    expect(await nominatim.geocode('Calle Nada 1')).toBeNull();
    expect(errors).toHaveLength(0);
    mode = 'error';
    expect(await nominatim.geocode('Calle Error 1')).toBeNull();
    mode = 'garbage';
    expect(await nominatim.geocode('Calle Basura 1')).toBeNull();
    mode = 'hang';
    const started = Date.now();
    expect(await nominatim.geocode('Calle Lenta 1')).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/answered 500/),
      expect.stringMatching(/jsonv2/),
      expect.stringMatching(/abort|timeout/i),
    ]);
  });

  it('remembers answers, found or not, but not failures', async () => {
    const nominatim = createGeocoder({ nominatimUrl: baseUrl, timeoutMs: 150 });
    await nominatim.geocode('Calle Pino 45');
    await nominatim.geocode('calle pino 45');
    mode = 'empty';
    await nominatim.geocode('Calle Nada 1');
    await nominatim.geocode('Calle Nada 1');
    mode = 'error';
    await nominatim.geocode('Calle Error 1');
    await nominatim.geocode('Calle Error 1');
    expect(requests.map((r) => r.url.searchParams.get('q'))).toEqual(['Calle Pino 45', 'Calle Nada 1', 'Calle Error 1', 'Calle Error 1']);
  });

  it('forgets the least recently used answer beyond its size', async () => {
    const nominatim = createGeocoder({ nominatimUrl: baseUrl, cacheSize: 2 });
    for (const q of ['Pino 1', 'Pino 2', 'Pino 1', 'Pino 3', 'Pino 1', 'Pino 2']) await nominatim.geocode(q);
    expect(requests.map((r) => r.url.searchParams.get('q'))).toEqual(['Pino 1', 'Pino 2', 'Pino 3', 'Pino 2']);
  });
});

describe('the gazetteer and Nominatim together', () => {
  it('asks Nominatim nothing the gazetteer places, and what it places only as a colony', async () => {
    const both = createGeocoder({ gazetteer, nominatimUrl: baseUrl });
    expect(await both.geocode('C. Hidalgo #123, Col. Centro')).toMatchObject({ source: 'gazetteer', precision: 'house' });
    expect(await both.geocode('Mercado Hidalgo')).toMatchObject({ source: 'gazetteer' });
    expect(requests).toHaveLength(0);
    expect(await both.geocode('Calle Pino 45')).toMatchObject({ source: 'nominatim', precision: 'house' });
    expect(await both.geocode('Calle Desconocida 45, col. Las Palmas')).toMatchObject({ source: 'nominatim', precision: 'house' });
    mode = 'empty';
    expect(await both.geocode('Calle Otra 7, col. Las Palmas')).toMatchObject({ source: 'gazetteer', precision: 'colony' });
    expect(requests).toHaveLength(3);
  });

  it('keeps the gazetteer’s colony when Nominatim fails', async () => {
    mode = 'hang';
    const both = createGeocoder({ gazetteer, nominatimUrl: baseUrl, timeoutMs: 100 });
    expect(await both.geocode('Calle Otra 7, col. Las Palmas')).toMatchObject({ source: 'gazetteer', precision: 'colony' });
  });
});
