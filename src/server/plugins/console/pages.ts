import type { FastifyPluginAsync } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogue, type Locale } from '../../../i18n/index.js';
import { packageRoot } from '../../../paths.js';

/** The console is a static single-page app; the API is its only way in. Nothing inline may run. */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** `app.js`, the page modules it imports, and `app.css`: only these kinds of file are served from the folder. */
const ASSET_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const assetType = (file: string) => {
  const extension = /^[a-z][a-z0-9-]*\.(js|css)$/.exec(file)?.[1];
  return extension ? ASSET_TYPES[extension] : undefined;
};

const escapeForScriptJson = (json: string) => json.replace(/</g, '\\u003c');

export const consolePagesPlugin: FastifyPluginAsync<{ locale: Locale }> = async (app, { locale }) => {
  const dir = join(packageRoot, 'console');
  const read = (file: string) => readFile(join(dir, file), 'utf8');

  app.get('/console', async (_request, reply) => {
    const strings = Object.fromEntries(Object.entries(catalogue(locale)).filter(([key]) => key.startsWith('console.') || key.startsWith('error.')));
    const html = (await read('index.html')).replace('{{lang}}', locale).replace('{{strings}}', escapeForScriptJson(JSON.stringify(strings)));
    return reply.type('text/html; charset=utf-8').header('content-security-policy', CONSOLE_CSP).header('cache-control', 'no-store').send(html);
  });
  app.get('/console/', async (_request, reply) => reply.redirect('/console'));
  app.get<{ Params: { file: string } }>('/console/:file', async (request, reply) => {
    const type = assetType(request.params.file);
    const body = type ? await read(request.params.file).catch(() => null) : null;
    if (!type || body === null) return reply.callNotFound();
    return reply.type(type).header('content-security-policy', CONSOLE_CSP).header('cache-control', 'no-cache').send(body);
  });
};
