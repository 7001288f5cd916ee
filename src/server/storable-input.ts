import { parse as parseQuerystring } from 'node:querystring';
import type { FastifyInstance } from 'fastify';
import { storableStrings } from '../messages/storable-text.js';

/**
 * Every JSON body and query string the app reads has its strings made storable as it is parsed
 * (see src/messages/storable-text.ts): a NUL in a login, a staff note or a chat message is then
 * dropped here once, instead of reaching PostgreSQL and coming back as a 500. Fastify's own JSON
 * parser still does the parsing, with its guard against prototype poisoning.
 */
export function cleanJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, String(body), (error: Error | null, value?: unknown) =>
      error ? done(error, undefined) : done(null, storableStrings(value)),
    );
  });
}

export function parseStorableQuerystring(query: string): Record<string, unknown> {
  return storableStrings({ ...parseQuerystring(query) });
}
