import { z } from 'zod';

/**
 * Points on the Earth and the little geometry the place layer needs: distances between reports,
 * a box to ask the database for the reports near one, a point along a street segment. A town is
 * a few kilometres across, so the sphere (haversine) is as exact as the coordinates citizens send.
 */

export const GeoPoint = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type GeoPoint = z.infer<typeof GeoPoint>;

/** The mean Earth radius (IUGG), in metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (rad: number) => (rad * 180) / Math.PI;

/** Metres between two points along the Earth's surface. */
export function distanceMetres(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function withinMetres(a: GeoPoint, b: GeoPoint, metres: number): boolean {
  return distanceMetres(a, b) <= metres;
}

export interface BoundingBox {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

/**
 * A box that holds every point within `metres` of `center`: a cheap indexed pre-filter
 * (`lat BETWEEN … AND lon BETWEEN …`) before the exact distance. Near a pole or across the
 * antimeridian it widens to every longitude rather than wrap, which no municipality needs.
 */
export function boundingBox(center: GeoPoint, metres: number): BoundingBox {
  const dLat = deg(metres / EARTH_RADIUS_M);
  const minLat = Math.max(-90, center.lat - dLat);
  const maxLat = Math.min(90, center.lat + dLat);
  const cos = Math.cos(rad(Math.max(Math.abs(minLat), Math.abs(maxLat))));
  const dLon = cos > 1e-9 ? deg(metres / (EARTH_RADIUS_M * cos)) : 180;
  const minLon = center.lon - dLon;
  const maxLon = center.lon + dLon;
  if (minLon < -180 || maxLon > 180) return { minLat, minLon: -180, maxLat, maxLon: 180 };
  return { minLat, minLon, maxLat, maxLon };
}

export function inBox(box: BoundingBox, p: GeoPoint): boolean {
  return p.lat >= box.minLat && p.lat <= box.maxLat && p.lon >= box.minLon && p.lon <= box.maxLon;
}

/** The point a fraction `t` (0…1) of the way from `a` to `b`; straight in degrees, which is exact enough along a block. */
export function interpolate(a: GeoPoint, b: GeoPoint, t: number): GeoPoint {
  const f = Math.min(1, Math.max(0, t));
  return { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f };
}

/** The mean of some points (a street's middle when its segments are single points); undefined for none. */
export function centroid(points: readonly GeoPoint[]): GeoPoint | undefined {
  if (points.length === 0) return undefined;
  let lat = 0;
  let lon = 0;
  for (const p of points) {
    lat += p.lat;
    lon += p.lon;
  }
  return { lat: lat / points.length, lon: lon / points.length };
}
