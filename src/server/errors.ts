import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError } from '../errors.js';
import { negotiateLocale, t, type Locale, type MessageKey } from '../i18n/index.js';

/** Fastify's own deliberate errors, by code, in our words. */
const FASTIFY_CODES: Record<string, { status: number; key: MessageKey }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, key: 'error.invalid_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, key: 'error.invalid_json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, key: 'error.payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, key: 'error.unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, key: 'error.invalid_input' },
};

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
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) {
      const params = {
        max: known.status === 413 ? describeLimit(request.routeOptions.bodyLimit) : '',
        type: String(request.headers['content-type'] ?? ''),
      };
      return sendError(reply, known.status, known.key, t(locale, known.key, params));
    }
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
