import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { casesOnMap, MapCase, MapFilter, mapFrame } from '../../cases/case-map.js';
import type { MapConfig } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { GeoPoint } from '../../places/distance.js';
import { staffAuth, staffOf } from './staff-auth.js';

export interface MapApiOptions {
  db: Db;
  map: MapConfig;
  /** The middle of the gazetteer's places: where an empty map opens when MAP_CENTER is unset. */
  placesCentre?: GeoPoint | undefined;
  now: () => Date;
}

const Point = z.object({ lat: z.number(), lon: z.number() });

/**
 * The console's map (issue 20): every member of staff may open it, department staff see their
 * department's reports (as in the tray). The answer names the tile server, or none: the console
 * then draws the points on a plain background.
 */
export const mapApiPlugin: FastifyPluginAsync<MapApiOptions> = async (plugin, { db, map, placesCentre, now }) => {
  plugin.register(async (authed) => {
    staffAuth(authed, db);
    const routes = authed.withTypeProvider<ZodTypeProvider>();
    routes.get(
      '/api/staff/map',
      {
        schema: {
          querystring: MapFilter,
          response: {
            200: z.object({
              now: z.string(),
              center: Point,
              zoom: z.number(),
              bounds: z.object({ south: z.number(), west: z.number(), north: z.number(), east: z.number() }).nullable(),
              tiles: z.object({ url: z.string(), attribution: z.string() }).nullable(),
              cases: z.array(MapCase),
              truncated: z.boolean(),
            }),
          },
        },
      },
      async (request) => {
        const at = now();
        const found = await casesOnMap(db, staffOf(request), request.query, at);
        const frame = mapFrame(found.cases, { center: map.center, zoom: map.zoom, placesCentre });
        return {
          now: at.toISOString(),
          ...frame,
          tiles: map.tiles ? { url: map.tiles.url, attribution: map.tiles.attribution } : null,
          ...found,
        };
      },
    );
  });
};
