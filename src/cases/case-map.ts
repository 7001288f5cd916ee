import { and, desc, eq, gt, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { StaffPrincipal } from '../auth/sessions.js';
import type { Executor } from '../db/client.js';
import { cases, categories, departments, openCaseSql } from '../db/schema.js';
import type { GeoPoint } from '../places/distance.js';
import { casesVisibleTo } from './case-visibility.js';
import { CaseStatus } from './case-type.js';

/**
 * The console's map (issue 20): where open reports concentrate. Each point is a report the
 * department works, with how many reports it stands for (itself and those joined to it). Only
 * reports: their place is where the problem is, while a complaint's or a request's may be the
 * citizen's home (Open311 lists only reports for the same reason). Nothing of the citizen and
 * no words: folio, category, department, status, age and place.
 */

const DAY_MS = 86_400_000;
/** Points per answer: a town's open reports fit many times over; past it the newest are shown and the answer says so. */
export const MAP_CAP = 5000;

const AgeDays = z.coerce.number().int().min(0).max(36_500);

export const MapFilter = z.object({
  category: z.string().trim().max(80).optional(),
  /** Age in whole days since the report was opened, both ends included. */
  minAgeDays: AgeDays.optional(),
  maxAgeDays: AgeDays.optional(),
  departmentId: z.coerce.number().int().positive().optional(),
});
export type MapFilter = z.infer<typeof MapFilter>;

export const MapCase = z.object({
  id: z.number(),
  folio: z.string(),
  type: z.literal('reporte'),
  categoryCode: z.string(),
  categoryName: z.string(),
  departmentName: z.string(),
  status: CaseStatus,
  createdAt: z.date(),
  ageDays: z.number(),
  lat: z.number(),
  lon: z.number(),
  /** The report and those joined to it (open or closed): the size of its point. */
  reports: z.number(),
});
export type MapCase = z.infer<typeof MapCase>;

/** The open reports with a place this person may see, not joined to another, newest first, at most MAP_CAP. */
export async function casesOnMap(
  ex: Executor,
  staff: Pick<StaffPrincipal, 'role' | 'departmentId'>,
  filter: MapFilter,
  now: Date,
): Promise<{ cases: MapCase[]; truncated: boolean }> {
  // The same conditions as the clustering index (cases_cluster_geo_idx) and the open cases' newest-first index.
  const where: SQL[] = [
    openCaseSql,
    isNull(cases.clusterParentId),
    isNotNull(cases.latitude),
    isNotNull(cases.longitude),
    eq(cases.type, 'reporte'),
  ];
  const visible = casesVisibleTo(staff);
  if (visible) where.push(visible);
  if (filter.category) where.push(eq(categories.code, filter.category));
  if (filter.departmentId) where.push(eq(cases.departmentId, filter.departmentId));
  // Whole days, as the page shows them: n days old from n×24 h until (n+1)×24 h.
  if (filter.minAgeDays !== undefined) where.push(lte(cases.createdAt, new Date(now.getTime() - filter.minAgeDays * DAY_MS)));
  if (filter.maxAgeDays !== undefined) where.push(gt(cases.createdAt, new Date(now.getTime() - (filter.maxAgeDays + 1) * DAY_MS)));

  const rows = await ex
    .select({
      id: cases.id,
      folio: cases.folio,
      status: cases.status,
      createdAt: cases.createdAt,
      lat: cases.latitude,
      lon: cases.longitude,
      categoryCode: categories.code,
      categoryName: categories.name,
      departmentName: departments.name,
      // Each parent's children by cases_cluster_parent_idx.
      joined: sql<number>`(select count(*) from ${cases} as child where child.cluster_parent_id = ${cases.id})`.mapWith(Number),
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .where(and(...where))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(MAP_CAP + 1);

  return {
    truncated: rows.length > MAP_CAP,
    cases: rows.slice(0, MAP_CAP).map((r) => ({
      id: r.id,
      folio: r.folio,
      type: 'reporte',
      categoryCode: r.categoryCode,
      categoryName: r.categoryName,
      departmentName: r.departmentName,
      status: r.status,
      createdAt: r.createdAt,
      ageDays: Math.max(0, Math.floor((now.getTime() - r.createdAt.getTime()) / DAY_MS)),
      lat: r.lat!,
      lon: r.lon!,
      reports: 1 + r.joined,
    })),
  };
}

/** Where the map opens, from MAP_CENTER, else the cases' extent, else the town's middle from its gazetteer, else Mexico City. */
export interface MapFrame {
  center: GeoPoint;
  zoom: number;
  /** The cases' extent, to fit the view to (none when MAP_CENTER fixes the view or there is no case). */
  bounds: { south: number; west: number; north: number; east: number } | null;
}

/** Mexico City's Zócalo: the default time zone's city, for an instance that knows nothing of its town yet. */
const FALLBACK_CENTER: GeoPoint = { lat: 19.4326, lon: -99.1332 };

export function mapFrame(
  points: readonly GeoPoint[],
  settings: { center: GeoPoint | undefined; zoom: number; placesCentre?: GeoPoint | undefined },
): MapFrame {
  if (settings.center) return { center: settings.center, zoom: settings.zoom, bounds: null };
  if (points.length === 0) return { center: settings.placesCentre ?? FALLBACK_CENTER, zoom: settings.zoom, bounds: null };
  let south = 90;
  let north = -90;
  let west = 180;
  let east = -180;
  for (const p of points) {
    south = Math.min(south, p.lat);
    north = Math.max(north, p.lat);
    west = Math.min(west, p.lon);
    east = Math.max(east, p.lon);
  }
  return { center: { lat: (south + north) / 2, lon: (west + east) / 2 }, zoom: settings.zoom, bounds: { south, west, north, east } };
}
