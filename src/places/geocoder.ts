import { z } from 'zod';
import { defaultLanguagePack, type LanguagePack } from '../language/language-pack.js';
import { foldText } from '../language/normalize-text.js';
import { prepare } from '../language/text.js';
import { version } from '../version.js';
import { type ParsedAddress, parseAddress, placeNameKey } from './address-key.js';
import { centroid, distanceMetres, type GeoPoint, interpolate } from './distance.js';
import { forgivesTypo, gazetteerIndex, matchGazetteer } from './gazetteer.js';
import { type GazetteerPlace, gazetteerNames, type LocatedGazetteer, type StreetSegment } from './gazetteer-csv.js';

/**
 * Addresses into coordinates (issue 20): first the municipality's own gazetteer, which needs no
 * network, then, when one is configured, a geocoder speaking Nominatim's API (a self-hosted
 * Nominatim; the public one's usage policy forbids bulk use). Geocoding is a nicety: a failure
 * of any kind is `null`, never an error for the caller, who still has the citizen's words.
 */

/**
 * How exactly the point names the place: a house (a number placed along its block), a corner,
 * a landmark, a street (its middle: the number was missing or unknown), or a colony.
 */
export const GeocodePrecision = z.enum(['house', 'corner', 'landmark', 'street', 'colony']);
export type GeocodePrecision = z.infer<typeof GeocodePrecision>;

export const GeocodeSource = z.enum(['gazetteer', 'nominatim']);
export type GeocodeSource = z.infer<typeof GeocodeSource>;

export const Geocoded = z.object({
  lat: z.number(),
  lon: z.number(),
  precision: GeocodePrecision,
  source: GeocodeSource,
});
export type Geocoded = z.infer<typeof Geocoded>;

export interface GeocodeHint {
  /** The colony the citizen named apart from the address ("¿En qué colonia?"). */
  colony?: string;
}

export interface Geocoder {
  geocode(address: string, hint?: GeocodeHint): Promise<Geocoded | null>;
}

export interface GeocoderOptions {
  gazetteer?: LocatedGazetteer;
  /** A Nominatim-compatible server's base URL, e.g. http://nominatim.municipio.local:8080. */
  nominatimUrl?: string;
  fetch?: typeof fetch;
  /** How long Nominatim may take before the answer is `null`; 2 s by default. */
  timeoutMs?: number;
  /** ISO 3166 codes Nominatim may answer in: ["mx"]. */
  countryCodes?: readonly string[];
  /** The area Nominatim answers in (min lon, min lat, max lon, max lat): results outside it are not taken. */
  viewbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number };
  /** Appended to what is sent to Nominatim, which knows many towns with a "Calle Hidalgo": "Navojoa, Sonora". */
  locality?: string;
  /** Nominatim answers remembered (hits and "not found"), most recently used kept; 500 by default. */
  cacheSize?: number;
  pack?: LanguagePack;
  /** Told why Nominatim gave nothing (a timeout, a 500, a malformed answer), for the log. */
  onError?: (error: Error) => void;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_CACHE_SIZE = 500;
/** Two streets are taken to meet when their drawn lines pass closer than this (a missing or rough segment). */
const CORNER_TOLERANCE_M = 60;

export function createGeocoder(options: GeocoderOptions = {}): Geocoder {
  const pack = options.pack ?? defaultLanguagePack();
  const local = options.gazetteer ? gazetteerGeocoder(options.gazetteer, pack) : undefined;
  const remote = options.nominatimUrl ? nominatimGeocoder(options.nominatimUrl, options) : undefined;
  const fail = (error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error)));
  return {
    async geocode(address, hint = {}) {
      let found: Geocoded | null = null;
      try {
        found = local?.(address, hint) ?? null;
      } catch (error) {
        fail(error);
      }
      // A colony is the gazetteer's coarsest answer: the external geocoder may know the house.
      if (found && found.precision !== 'colony') return found;
      if (!remote) return found;
      const far = await remote(address, hint).catch((error: unknown) => (fail(error), null));
      return far && far.precision !== 'colony' ? far : (found ?? far);
    },
  };
}

// --- The gazetteer --------------------------------------------------------------------------

interface IndexedStreet {
  name: string;
  segments: Array<StreetSegment & { colonyKey?: string }>;
}

interface IndexedColony {
  name: string;
  point?: GeoPoint;
  /** Its streets' segments, for a colony named only in a street's colony column. */
  segments: StreetSegment[];
}

/** A lookup by key that forgives one typo as the dialog's gazetteer does. */
function lookup<T>(map: ReadonlyMap<string, T>, key: string | undefined): T | undefined {
  if (key === undefined || key === '') return undefined;
  const exact = map.get(key);
  if (exact) return exact;
  for (const [known, value] of map) if (Math.abs(known.length - key.length) <= 1 && forgivesTypo(known, key)) return value;
  return undefined;
}

function gazetteerGeocoder(located: LocatedGazetteer, pack: LanguagePack): (address: string, hint: GeocodeHint) => Geocoded | null {
  const key = (name: string) => placeNameKey(name, pack);
  const streets = new Map<string, IndexedStreet>();
  const colonies = new Map<string, IndexedColony>();
  const landmarks = new Map<string, GazetteerPlace>();
  const colonyEntry = (name: string) => {
    const k = key(name);
    let entry = colonies.get(k);
    if (!entry) colonies.set(k, (entry = { name, segments: [] }));
    return { k, entry };
  };
  for (const c of located.colonies) colonyEntry(c.name).entry.point = c.point;
  for (const s of located.streets) {
    const k = key(s.name);
    let entry = streets.get(k);
    if (!entry) streets.set(k, (entry = { name: s.name, segments: [] }));
    for (const segment of s.segments) {
      const colony = segment.colony ? colonyEntry(segment.colony) : undefined;
      colony?.entry.segments.push(segment);
      entry.segments.push(colony ? { ...segment, colonyKey: colony.k } : segment);
    }
  }
  for (const l of located.landmarks) if (!landmarks.has(key(l.name))) landmarks.set(key(l.name), l);
  const a = pack.address;
  const names = gazetteerIndex(
    gazetteerNames(located),
    new Set([...a.streetTypes, ...a.streetNeedsDot, ...a.areaTypes, ...a.streetSuffixes]),
  );

  const at = (p: GeoPoint, precision: GeocodePrecision): Geocoded => ({ lat: p.lat, lon: p.lon, precision, source: 'gazetteer' });

  /** A known name anywhere in the text ("frente al Mercado Hidalgo"), of the kind asked. */
  const named = (text: string, kind: 'landmark' | 'colony'): string | undefined => {
    const tokens = prepare(text).tokens;
    const word = (k: number) => (tokens[k]?.word ? tokens[k].folded : undefined);
    for (let i = 0; i < tokens.length; i++) {
      const match = matchGazetteer(names, word, i, { fuzzy: true });
      if (match?.kind === kind) return match.name;
    }
    return undefined;
  };

  const landmarkIn = (text: string): GazetteerPlace | undefined => {
    const name = named(text, 'landmark');
    return name ? landmarks.get(key(name)) : undefined;
  };

  const colonyPoint = (c: IndexedColony): GeoPoint | undefined => c.point ?? centroid(c.segments.map(middleOfSegment));

  return (address, hint) => {
    const parsed: ParsedAddress | undefined = parseAddress(address, pack);
    const colonyKey = lookupKey(colonies, parsed?.colony) ?? lookupKey(colonies, hint.colony ? key(hint.colony) : undefined);
    const [first, second] = parsed?.streets ?? [];
    if (first !== undefined) {
      const a = lookup(streets, first);
      const b = second !== undefined ? lookup(streets, second) : undefined;
      if (a && b && !parsed?.number) {
        const corner = crossing(inColony(a, colonyKey), inColony(b, colonyKey)) ?? crossing(a.segments, b.segments);
        if (corner) return at(corner, 'corner');
      }
      if (a) {
        const number = parsed?.number && /^\d+/.test(parsed.number) ? Number.parseInt(parsed.number, 10) : undefined;
        const house = number !== undefined ? (placeNumber(inColony(a, colonyKey), number) ?? placeNumber(a.segments, number)) : undefined;
        if (house) return at(house, 'house');
        const landmark = landmarkIn(address);
        if (landmark) return at(landmark.point, 'landmark');
        return at(middleOfStreet(inColony(a, colonyKey)), 'street');
      }
      // "Plaza de Armas" reads as a name without a street type: it may be a landmark or a colony.
      const landmark = lookup(landmarks, first);
      if (landmark) return at(landmark.point, 'landmark');
    }
    const landmark = landmarkIn(address);
    if (landmark) return at(landmark.point, 'landmark');
    const mentioned = named(address, 'colony');
    const colony = colonyKey ?? lookupKey(colonies, first) ?? (mentioned ? lookupKey(colonies, key(mentioned)) : undefined);
    const point = colony ? colonyPoint(colonies.get(colony) as IndexedColony) : undefined;
    return point ? at(point, 'colony') : null;
  };
}

function lookupKey<T>(map: ReadonlyMap<string, T>, key: string | undefined): string | undefined {
  const value = lookup(map, key);
  if (value === undefined) return undefined;
  for (const [k, v] of map) if (v === value) return k;
  return undefined;
}

/** The street's segments in the colony, or all of them when it has none there (or no colony was named). */
function inColony(street: IndexedStreet, colonyKey: string | undefined): StreetSegment[] {
  const there = colonyKey ? street.segments.filter((s) => s.colonyKey === colonyKey) : [];
  return there.length > 0 ? there : street.segments;
}

/** The number's place along the segment whose range holds it: as far along as the number is within the range. */
function placeNumber(segments: readonly StreetSegment[], n: number): GeoPoint | undefined {
  const segment = segments.find((s) => s.from !== undefined && s.to !== undefined && s.from <= n && n <= s.to);
  if (!segment) return undefined;
  const from = segment.from as number;
  const to = segment.to as number;
  return interpolate(segment.start, segment.end, to === from ? 0.5 : (n - from) / (to - from));
}

const middleOfSegment = (s: StreetSegment) => interpolate(s.start, s.end, 0.5);

/** Half-way along the street, its segments taken in the order of their numbers. */
function middleOfStreet(segments: readonly StreetSegment[]): GeoPoint {
  const ordered = [...segments].sort((a, b) => (a.from ?? Number.POSITIVE_INFINITY) - (b.from ?? Number.POSITIVE_INFINITY));
  const lengths = ordered.map((s) => distanceMetres(s.start, s.end));
  const total = lengths.reduce((x, y) => x + y, 0);
  if (total === 0) return centroid(ordered.map((s) => s.start)) as GeoPoint;
  let left = total / 2;
  for (const [i, s] of ordered.entries()) {
    const length = lengths[i] as number;
    if (left <= length && length > 0) return interpolate(s.start, s.end, left / length);
    left -= length;
  }
  return (ordered[ordered.length - 1] as StreetSegment).end;
}

/** Where two streets meet: where their segments cross, or their closest approach within a tolerance. */
function crossing(a: readonly StreetSegment[], b: readonly StreetSegment[]): GeoPoint | undefined {
  let best: { point: GeoPoint; gap: number } | undefined;
  for (const s of a) {
    for (const t of b) {
      const c = closestApproach(s, t);
      if (!best || c.gap < best.gap) best = c;
    }
  }
  return best && best.gap <= CORNER_TOLERANCE_M ? best.point : undefined;
}

/** Closest points of two segments, on a plane local to them (a block is small enough for it). */
function closestApproach(s: StreetSegment, t: StreetSegment): { point: GeoPoint; gap: number } {
  const k = Math.cos((s.start.lat * Math.PI) / 180);
  const xy = (p: GeoPoint) => [p.lon * k, p.lat] as const;
  const back = ([x, y]: readonly [number, number]): GeoPoint => ({ lat: y, lon: x / k });
  const [p1, p2, q1, q2] = [xy(s.start), xy(s.end), xy(t.start), xy(t.end)];
  const cross = (o: readonly number[], u: readonly number[], v: readonly number[]) =>
    ((u[0] as number) - (o[0] as number)) * ((v[1] as number) - (o[1] as number)) -
    ((u[1] as number) - (o[1] as number)) * ((v[0] as number) - (o[0] as number));
  const d1 = cross(q1, q2, p1);
  const d2 = cross(q1, q2, p2);
  const d3 = cross(p1, p2, q1);
  const d4 = cross(p1, p2, q2);
  if (d1 * d2 < 0 && d3 * d4 < 0) {
    const f = d1 / (d1 - d2);
    const point = back([p1[0] + (p2[0] - p1[0]) * f, p1[1] + (p2[1] - p1[1]) * f]);
    return { point, gap: 0 };
  }
  // Apart (or touching at an end): the closest pair has an end of one of them.
  const project = (p: readonly [number, number], a: readonly [number, number], b: readonly [number, number]): [number, number] => {
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len = dx * dx + dy * dy;
    const f = len === 0 ? 0 : Math.min(1, Math.max(0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len));
    return [a[0] + dx * f, a[1] + dy * f];
  };
  let best: { point: GeoPoint; gap: number } | undefined;
  for (const [p, a, b] of [
    [p1, q1, q2],
    [p2, q1, q2],
    [q1, p1, p2],
    [q2, p1, p2],
  ] as const) {
    const on = project(p, a, b);
    const gap = distanceMetres(back(p), back(on));
    if (!best || gap < best.gap) best = { point: back([(p[0] + on[0]) / 2, (p[1] + on[1]) / 2]), gap };
  }
  return best as { point: GeoPoint; gap: number };
}

// --- Nominatim ------------------------------------------------------------------------------

/** One result of Nominatim's /search in format=jsonv2; lat and lon come as strings. */
const NominatimResult = z.object({
  lat: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().min(-90).max(90)),
  lon: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().min(-180).max(180)),
  category: z.string().optional(),
  type: z.string().optional(),
  addresstype: z.string().optional(),
  place_rank: z.number().optional(),
});
const NominatimResults = z.array(z.unknown()).transform((results, ctx) => {
  if (results.length === 0) return undefined;
  const first = NominatimResult.safeParse(results[0]);
  if (!first.success) {
    ctx.addIssue({ code: 'custom', message: `not a Nominatim result: ${first.error.message}` });
    return z.NEVER;
  }
  return first.data;
});
type NominatimResult = z.infer<typeof NominatimResult>;

/**
 * What a result is, from its category and its place_rank (30 a house or a point of interest,
 * 26–27 a street, 17–25 a suburb or neighbourhood). A town or anything larger places no report.
 */
function precisionOf(r: NominatimResult): GeocodePrecision | undefined {
  const rank = r.place_rank ?? 30;
  if ((r.category === 'place' && r.type === 'house') || r.category === 'building' || r.addresstype === 'house') return 'house';
  if (r.category === 'highway' || (rank >= 26 && rank < 28)) return 'street';
  if (rank >= 28) return 'landmark';
  if (rank >= 17) return 'colony';
  return undefined;
}

class NominatimError extends Error {
  override name = 'NominatimError';
}

function nominatimGeocoder(baseUrl: string, options: GeocoderOptions): (address: string, hint: GeocodeHint) => Promise<Geocoded | null> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cache = new LruCache<string, Geocoded | null>(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  const base = baseUrl.replace(/\/+$/, '');
  const language = (options.pack ?? defaultLanguagePack()).locale;
  return async (address, hint) => {
    const parts = [address.trim()];
    if (hint.colony && !foldText(address).includes(foldText(hint.colony))) parts.push(hint.colony.trim());
    if (options.locality) parts.push(options.locality);
    const q = parts.filter(Boolean).join(', ');
    const cacheKey = foldText(q).replace(/\s+/g, ' ');
    if (cache.has(cacheKey)) return cache.get(cacheKey) as Geocoded | null;
    const url = new URL(`${base}/search`);
    url.searchParams.set('q', q);
    url.searchParams.set('format', 'jsonv2');
    url.searchParams.set('limit', '1');
    url.searchParams.set('addressdetails', '0');
    if (options.countryCodes?.length) url.searchParams.set('countrycodes', options.countryCodes.join(','));
    if (options.viewbox) {
      const v = options.viewbox;
      url.searchParams.set('viewbox', [v.minLon, v.minLat, v.maxLon, v.maxLat].join(','));
      url.searchParams.set('bounded', '1');
    }
    const response = await doFetch(url, {
      headers: {
        'User-Agent': `Ventanilla/${version} (municipal citizen attention)`,
        Accept: 'application/json',
        'Accept-Language': language,
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new NominatimError(`${url.origin}/search answered ${response.status}`);
    const parsed = NominatimResults.safeParse(await response.json());
    if (!parsed.success) throw new NominatimError(`${url.origin}/search answered something else than jsonv2: ${parsed.error.message}`);
    const precision = parsed.data && precisionOf(parsed.data);
    const found: Geocoded | null =
      parsed.data && precision ? { lat: parsed.data.lat, lon: parsed.data.lon, precision, source: 'nominatim' } : null;
    cache.set(cacheKey, found);
    return found;
  };
}

/** A Map that forgets its least recently used entry beyond `capacity`. */
class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }
}
