import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { catalogue, type Locale } from '../../../i18n/index.js';
import { packageRoot } from '../../../paths.js';
import { javascriptAsText, scopePolicy } from '../../security-headers.js';

/**
 * The console is a static single-page app; the API is its only way in. Nothing inline may run.
 * Images may also come from the map's tile server, when one is configured (MAP_TILE_URL).
 */
export const consolePolicy = (tileOrigin?: string) =>
  `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:${tileOrigin ? ` ${tileOrigin}` : ''}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

const escapeForScriptJson = (json: string) => json.replace(/</g, '\\u003c');

export const consolePagesPlugin: FastifyPluginAsync<{ locale: Locale; tileOrigin?: string | undefined }> = async (
  app,
  { locale, tileOrigin },
) => {
  const dir = join(packageRoot, 'console');
  // The page and every file under /console/ carry the console's policy.
  scopePolicy(app, consolePolicy(tileOrigin));

  app.get('/console', async (_request, reply) => {
    const strings = Object.fromEntries(
      Object.entries(catalogue(locale)).filter(([key]) => key.startsWith('console.') || key.startsWith('error.')),
    );
    const html = (await readFile(join(dir, 'index.html'), 'utf8'))
      .replace('{{lang}}', locale)
      .replace('{{strings}}', escapeForScriptJson(JSON.stringify(strings)));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
  app.get('/console/', async (_request, reply) => reply.redirect('/console'));
  // Chart.js draws the dashboard's charts on a canvas and styles through the CSSOM, which `style-src 'self'` allows.
  // The package exports only its modules; the browser build sits beside its CommonJS entry.
  const chartJs = await readFile(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'));
  app.get('/console/vendor/chart.umd.min.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(chartJs),
  );
  // Leaflet draws the map (issue 20): its markers are SVG paths and it positions through the CSSOM, as Chart.js does.
  // Its own images (default markers, the layers button) are not used: the map draws circles and has one layer.
  const leafletDist = dirname(createRequire(import.meta.url).resolve('leaflet'));
  const leafletJs = await readFile(join(leafletDist, 'leaflet.js'));
  const leafletCss = await readFile(join(leafletDist, 'leaflet.css'));
  app.get('/console/vendor/leaflet.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(leafletJs),
  );
  app.get('/console/vendor/leaflet.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(leafletCss),
  );
  // Every file of console/ (its scripts, modules and styles), listed when the app starts; the HTML is a template, served rendered above.
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/console/',
    wildcard: false,
    index: false,
    // Type declarations are for the checker only.
    globIgnore: ['**/*.html', '**/*.d.ts'],
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) => javascriptAsText(reply, path).header('cache-control', 'no-cache'),
  });
};
