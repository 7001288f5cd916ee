import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError } from '../errors.js';
import { negotiateLocale, t, type Locale, type MessageKey } from '../i18n/index.js';

/** Fastify's own deliberate errors, by code, in our words. */
const FASTIFY_CODES: ReadonlyMap<string, { status: number; key: MessageKey }> = new Map(
  Object.entries({
    FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, key: 'error.invalid_json' },
    FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, key: 'error.invalid_json' },
    FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, key: 'error.payload_too_large' },
    FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, key: 'error.unsupported_media_type' },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, key: 'error.invalid_input' },
  }),
);

/**
 * PostgreSQL refusals that only a request's own values cause: an id that names no row (a foreign
 * key), a number past the column's range, text that is not of the column's type, too long for
 * it, or with a character PostgreSQL does not store (a NUL). They answer 400
 * instead of a 500 that blames us for a client's unknown department id.
 */
const CLIENT_SQLSTATES: ReadonlySet<string> = new Set(['23503', '22003', '22P02', '22001', '22021']);

/** The SQLSTATE of a database error, through drizzle's wrapper (`cause`) when there is one. */
function sqlStateOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** How long a client should wait before trying again while the database is away: a restart takes seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;
/** While the database is away every request fails the same way; one log line per this interval says so. */
const OUTAGE_LOG_INTERVAL_MS = 10_000;

function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/**
 * One place turns errors into responses: deliberate ones keep their status and a localized
 * message; anything else is logged with its stack and masked as a 500.
 */
export function installErrorHandling(app: FastifyInstance, defaultLocale: Locale): void {
  const localeOf = (request: FastifyRequest) => negotiateLocale(request.headers['accept-language'], defaultLocale);

  let outageLoggedAt = 0;
  let unloggedOutageErrors = 0;

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const locale = localeOf(request);
    // A database that is away is nobody's bug: no stack per request, and a status that tells clients to come back.
    if (isDatabaseUnavailable(error)) {
      unloggedOutageErrors += 1;
      if (Date.now() - outageLoggedAt >= OUTAGE_LOG_INTERVAL_MS) {
        request.log.warn({ err: error, requests: unloggedOutageErrors }, 'database unavailable; answering 503');
        outageLoggedAt = Date.now();
        unloggedOutageErrors = 0;
      }
      // Platforms (Telegram, WhatsApp) and browsers retry a 503, and the receive path stores each message once however often it comes.
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return sendError(reply, 503, 'error.database_unavailable', t(locale, 'error.database_unavailable'));
    }
    if (error instanceof AppError) {
      return sendError(reply, error.status, error.code, t(locale, error.code, error.params), error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({ path: v.instancePath, message: v.message }));
      return sendError(reply, 400, 'error.invalid_input', t(locale, 'error.invalid_input'), details);
    }
    const known = error.code ? FASTIFY_CODES.get(error.code) : undefined;
    if (known) {
      const params = {
        max: known.status === 413 ? describeLimit(request.routeOptions.bodyLimit) : '',
        type: String(request.headers['content-type'] ?? ''),
      };
      return sendError(reply, known.status, known.key, t(locale, known.key, params));
    }
    const sqlState = sqlStateOf(error);
    if (sqlState && CLIENT_SQLSTATES.has(sqlState)) return sendError(reply, 400, 'error.invalid_input', t(locale, 'error.invalid_input'));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'error.invalid_input', t(locale, 'error.invalid_input'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, 'error.internal', t(locale, 'error.internal'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      404,
      'error.route_not_found',
      t(localeOf(request), 'error.route_not_found', { method: request.method, url: request.url.split('?')[0] ?? '' }),
    ),
  );
}

function describeLimit(bytes: number | undefined): string {
  if (!bytes) return '';
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}
