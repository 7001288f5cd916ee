import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseCsvLines } from '../csv.js';
import { foldText } from '../language/normalize-text.js';
import { centroid, type GeoPoint } from './distance.js';
import { type Gazetteer, GazetteerError, parseGazetteer, PlaceName } from './gazetteer.js';

/**
 * The municipality's gazetteer with coordinates, as the spreadsheet its cadastre or planning
 * office already keeps (issue 20): one row per street segment (a block or a stretch with its
 * house numbers), colony or landmark. Addresses become coordinates from it with no internet at
 * run time. The columns are found by their header, in Spanish or English:
 *
 *   tipo (kind)       calle | colonia | referencia  (street | colony | landmark)
 *   nombre (name)     "Hidalgo", "Av. Juárez", "Centro", "Mercado Municipal"
 *   colonia (colony)  for a street segment or a landmark, the colony it lies in (optional)
 *   desde, hasta      the segment's house numbers (from, to), optional
 *   lat, lon          one point (lng, long, longitud are read as lon)
 *   lat_desde, lon_desde, lat_hasta, lon_hasta
 *                     a segment's two ends, where its numbers `desde` and `hasta` stand, so a
 *                     number between them is placed along it (lat_from, lon_from, lat_to, lon_to)
 *
 * Other columns (notes, ids) are ignored. A street with a single point instead of ends is still
 * useful: every number on it lands on that point.
 */

const KINDS = {
  calle: 'street',
  street: 'street',
  colonia: 'colony',
  colony: 'colony',
  referencia: 'landmark',
  landmark: 'landmark',
} as const;

const Kind = z.preprocess(
  (value) => (typeof value === 'string' ? KINDS[foldText(value.trim()) as keyof typeof KINDS] : value),
  z.enum(['street', 'colony', 'landmark'], { error: 'calle, colonia o referencia (street, colony, landmark)' }),
);

/** Blank cells are absent; "27,05" is read as 27.05, as a Spanish spreadsheet may write it. */
const toNumber = (value: unknown) => {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  if (v === '') return undefined;
  return /^[+-]?\d+,\d+$/.test(v) ? Number(v.replace(',', '.')) : Number(v);
};
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const Latitude = z.preprocess(toNumber, z.number({ error: 'a latitude in degrees, like 27.0712' }).min(-90).max(90).optional());
const Longitude = z.preprocess(toNumber, z.number({ error: 'a longitude in degrees, like -109.4437' }).min(-180).max(180).optional());
const HouseNumber = z.preprocess(toNumber, z.number({ error: 'a house number' }).int().min(0).max(99_999).optional());

/** One row of the file, by the column names of COLUMNS. */
export const GazetteerRow = z
  .object({
    kind: Kind,
    name: PlaceName,
    colony: z.preprocess(blankToUndefined, PlaceName.optional()),
    from: HouseNumber,
    to: HouseNumber,
    lat: Latitude,
    lon: Longitude,
    latFrom: Latitude,
    lonFrom: Longitude,
    latTo: Latitude,
    lonTo: Longitude,
  })
  .superRefine((row, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const point = [row.lat, row.lon].filter((x) => x !== undefined).length;
    const ends = [row.latFrom, row.lonFrom, row.latTo, row.lonTo].filter((x) => x !== undefined).length;
    if (point === 1) issue(row.lat === undefined ? 'lat' : 'lon', 'lat and lon go together');
    if (ends > 0 && ends < 4) issue('latFrom', "a segment's ends need all of lat_desde, lon_desde, lat_hasta and lon_hasta");
    if ((row.from === undefined) !== (row.to === undefined)) issue(row.from === undefined ? 'from' : 'to', 'desde and hasta go together');
    if (row.from !== undefined && row.to !== undefined && row.from > row.to) issue('to', `hasta (${row.to}) is below desde (${row.from})`);
    if (row.kind === 'street') {
      if (point === 0 && ends === 0) issue('lat', 'a street needs lat and lon, or its ends (lat_desde, lon_desde, lat_hasta, lon_hasta)');
      if (point === 2 && ends === 4) issue('lat', 'either one point (lat, lon) or the ends, not both');
      return;
    }
    if (point === 0) issue('lat', `a ${row.kind === 'colony' ? 'colony' : 'landmark'} needs lat and lon`);
    if (ends > 0) issue('latFrom', 'only a street has ends');
    if (row.from !== undefined || row.to !== undefined) issue('from', 'only a street has house numbers');
    if (row.kind === 'colony' && row.colony !== undefined) issue('colony', 'a colony lies in no colony');
  });
export type GazetteerRow = z.infer<typeof GazetteerRow>;

/**
 * Each field and the headers it is known by, folded (lowercase, no accents, spaces and hyphens
 * as "_"). The ends' headers are every latitude or longitude word with every "from" or "to" word.
 */
const COLUMNS: Record<keyof GazetteerRow, readonly string[]> = (() => {
  const latWords = ['lat', 'latitud', 'latitude'];
  const lonWords = ['lon', 'lng', 'long', 'longitud', 'longitude'];
  const fromWords = ['desde', 'from', 'inicio', 'start'];
  const toWords = ['hasta', 'to', 'fin', 'end'];
  const ends = (coordinate: string[], side: string[]) => coordinate.flatMap((c) => side.map((s) => `${c}_${s}`));
  return {
    kind: ['tipo', 'kind', 'type'],
    name: ['nombre', 'name'],
    colony: ['colonia', 'colony'],
    from: [...fromWords, 'numero_desde', 'num_desde', 'number_from'],
    to: [...toWords, 'numero_hasta', 'num_hasta', 'number_to'],
    lat: latWords,
    lon: lonWords,
    latFrom: ends(latWords, fromWords),
    lonFrom: ends(lonWords, fromWords),
    latTo: ends(latWords, toWords),
    lonTo: ends(lonWords, toWords),
  };
})();

const headerKey = (header: string) =>
  foldText(header.trim())
    .replace(/[\s-]+/g, '_')
    .replace(/[^a-z0-9_]/g, '');

/** A stretch of a street, with where its numbers lie. A street given by one point has `start` and `end` equal. */
export interface StreetSegment {
  colony?: string;
  from?: number;
  to?: number;
  start: GeoPoint;
  end: GeoPoint;
  /** The file's line, for telling the admin which row a result came from. */
  line: number;
}

export interface GazetteerStreet {
  name: string;
  segments: StreetSegment[];
}

export interface GazetteerPlace {
  name: string;
  /** For a landmark, the colony it lies in. */
  colony?: string;
  point: GeoPoint;
  line: number;
}

/** Streets, colonies and landmarks with their coordinates, in the file's order. */
export interface LocatedGazetteer {
  streets: GazetteerStreet[];
  colonies: GazetteerPlace[];
  landmarks: GazetteerPlace[];
}

const MAX_ROWS = 50_000;
const MAX_REPORTED = 25;

/** Throws a GazetteerError listing every bad row by its line and column (the first 25). */
export function parseGazetteerCsv(text: string, origin = 'gazetteer'): LocatedGazetteer {
  const fail = (issues: string[]) => {
    const shown = issues.slice(0, MAX_REPORTED).map((i) => `  ${i}`);
    if (issues.length > MAX_REPORTED) shown.push(`  … and ${issues.length - MAX_REPORTED} more`);
    return new GazetteerError(`${origin} is not valid:\n${shown.join('\n')}`);
  };
  const [header, ...rows] = parseCsvLines(text);
  if (!header) throw fail(['line 1: the file is empty; it needs a header line (tipo,nombre,colonia,desde,hasta,lat,lon…)']);
  if (rows.length > MAX_ROWS) throw fail([`the file has ${rows.length} rows; at most ${MAX_ROWS}`]);

  const field = new Map<string, keyof GazetteerRow>();
  for (const [name, aliases] of Object.entries(COLUMNS) as Array<[keyof GazetteerRow, readonly string[]]>) {
    for (const alias of aliases) field.set(alias, name);
  }
  const columns = new Map<keyof GazetteerRow, number>();
  const headerIssues: string[] = [];
  const headerName = new Map<keyof GazetteerRow, string>();
  header.fields.forEach((h, i) => {
    const name = field.get(headerKey(h));
    if (!name) return;
    if (columns.has(name)) headerIssues.push(`line ${header.line}: columns "${headerName.get(name)}" and "${h.trim()}" say the same`);
    columns.set(name, i);
    headerName.set(name, h.trim());
  });
  if (!columns.has('kind')) headerIssues.push(`line ${header.line}: no "tipo" (kind) column`);
  if (!columns.has('name')) headerIssues.push(`line ${header.line}: no "nombre" (name) column`);
  if (headerIssues.length > 0) throw fail(headerIssues);

  const issues: string[] = [];
  const located: LocatedGazetteer = { streets: [], colonies: [], landmarks: [] };
  const streets = new Map<string, GazetteerStreet>();
  const seen = new Map<string, number>();
  for (const { line, fields } of rows) {
    const record: Partial<Record<keyof GazetteerRow, string>> = {};
    for (const [name, i] of columns) record[name] = fields[i] ?? '';
    const parsed = GazetteerRow.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as keyof GazetteerRow | undefined;
        const column = key ? (headerName.get(key) ?? COLUMNS[key][0]) : undefined;
        issues.push(`line ${line}${column ? `, ${column}` : ''}: ${issue.message}`);
      }
      continue;
    }
    const row = parsed.data;
    const at = (lat: number | undefined, lon: number | undefined): GeoPoint => ({ lat: lat as number, lon: lon as number });
    // A street has many rows (its segments, checked for overlapping numbers); a colony or landmark one.
    const identity = `${row.kind}:${foldText(row.name)}:${foldText(row.colony ?? '')}`;
    const twin = seen.get(identity);
    if (row.kind !== 'street' && twin !== undefined) {
      issues.push(`line ${line}: "${row.name}" is already on line ${twin}`);
      continue;
    }
    seen.set(identity, line);
    if (row.kind === 'street') {
      const start = row.lat !== undefined ? at(row.lat, row.lon) : at(row.latFrom, row.lonFrom);
      const end = row.lat !== undefined ? start : at(row.latTo, row.lonTo);
      const key = foldText(row.name);
      let street = streets.get(key);
      if (!street) {
        street = { name: row.name, segments: [] };
        streets.set(key, street);
        located.streets.push(street);
      }
      const segment: StreetSegment = { start, end, line };
      if (row.colony !== undefined) segment.colony = row.colony;
      if (row.from !== undefined && row.to !== undefined) {
        const overlap = street.segments.find(
          (s) =>
            s.from !== undefined &&
            s.to !== undefined &&
            s.colony === row.colony &&
            s.from <= (row.to as number) &&
            (row.from as number) <= s.to,
        );
        if (overlap) {
          issues.push(
            `line ${line}: numbers ${row.from}–${row.to} of "${row.name}" overlap ${overlap.from}–${overlap.to} on line ${overlap.line}`,
          );
          continue;
        }
        segment.from = row.from;
        segment.to = row.to;
      }
      street.segments.push(segment);
    } else {
      const place: GazetteerPlace = { name: row.name, point: at(row.lat, row.lon), line };
      if (row.colony !== undefined) place.colony = row.colony;
      (row.kind === 'colony' ? located.colonies : located.landmarks).push(place);
    }
  }
  if (issues.length > 0) throw fail(issues);
  if (rows.length === 0) throw fail([`line ${header.line}: the gazetteer lists no street, colony or landmark`]);
  return located;
}

export function loadGazetteerCsv(path: string): LocatedGazetteer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GazetteerError(`gazetteer ${path} could not be read: ${(error as Error).message}`);
  }
  return parseGazetteerCsv(text, `gazetteer ${path}`);
}

/**
 * The names the dialog recognises, from the located gazetteer: every street, every colony (also
 * those only named in a street's or landmark's colony column) and every landmark, each once.
 */
export function gazetteerNames(located: LocatedGazetteer): Gazetteer {
  const unique = (names: string[]) => {
    const seen = new Set<string>();
    return names.filter((n) => {
      const key = foldText(n);
      return seen.has(key) ? false : (seen.add(key), true);
    });
  };
  const colonies = [
    ...located.colonies.map((c) => c.name),
    ...located.streets.flatMap((s) => s.segments.flatMap((g) => (g.colony ? [g.colony] : []))),
    ...located.landmarks.flatMap((l) => (l.colony ? [l.colony] : [])),
  ];
  return parseGazetteer(
    {
      version: 1,
      streets: unique(located.streets.map((s) => s.name)),
      colonies: unique(colonies),
      landmarks: unique(located.landmarks.map((l) => l.name)),
    },
    'the CSV gazetteer',
  );
}

/** The middle of the town as its gazetteer knows it (every place and street end): where the console's map opens when it has no case to show. */
export function gazetteerCentre(located: LocatedGazetteer): GeoPoint | undefined {
  return centroid([
    ...located.colonies.map((c) => c.point),
    ...located.landmarks.map((l) => l.point),
    ...located.streets.flatMap((s) => s.segments.flatMap((g) => [g.start, g.end])),
  ]);
}
