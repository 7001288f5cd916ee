import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CaseType } from '../../cases/case-type.js';
import type { CaseSettings } from '../../cases/open-case.js';
import type { Db } from '../../db/client.js';
import { AppError, TooManyRequests } from '../../errors.js';
import { type MessageKey, t } from '../../i18n/index.js';
import { issueKey, keyOf, listKeys, revokeKey } from '../../open311/api-keys.js';
import { requireRole, staffAuth } from './staff-auth.js';
import { definitionXml, discoveryXml, FORMATS, type Format, type GeoReportError, listXml } from '../../open311/georeport.js';
import {
  fileRequest,
  listRequests,
  listServices,
  type NewRequest,
  type Open311Settings,
  requestOfToken,
  serviceDefinition,
} from '../../open311/service-requests.js';

export interface Open311Options {
  db: Db;
  settings: Open311Settings;
  caseSettings: CaseSettings;
  /** Requests filed per key (or per address without one) per minute. */
  filedPerMinute: number;
  publicUrl: string | undefined;
  now: () => Date;
}

/** An answer in the spec's error format, with its HTTP status. */
class GeoReportFailure extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 429,
    readonly key: MessageKey,
    readonly params: Record<string, string> = {},
  ) {
    super(key);
  }
}

const FormatParam = z.enum(FORMATS);
const WithFormat = z.object({ format: FormatParam });
const List = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
  );
const When = z.iso.datetime({ offset: true }).or(z.iso.date()).optional();
const RequestsQuery = z.object({
  service_request_id: List,
  service_code: z.string().max(80).optional(),
  start_date: When,
  end_date: When,
  status: List.pipe(z.array(z.enum(['open', 'closed'])).optional()),
  jurisdiction_id: z.string().optional(),
});
const Coordinate = (min: number, max: number) => z.coerce.number().min(min).max(max).optional();
const NewRequestBody = z.object({
  api_key: z.string().max(200).optional(),
  service_code: z.string().max(80).optional(),
  jurisdiction_id: z.string().optional(),
  lat: Coordinate(-90, 90),
  long: Coordinate(-180, 180),
  address_string: z.string().trim().max(300).optional(),
  address_id: z.string().max(100).optional(),
  email: z
    .email()
    .max(254)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  device_id: z.string().max(200).optional(),
  account_id: z.string().max(200).optional(),
  first_name: z.string().trim().max(100).optional(),
  last_name: z.string().trim().max(100).optional(),
  phone: z.string().trim().max(40).optional(),
  description: z.string().trim().max(4000).optional(),
  media_url: z.string().max(2000).optional(),
  'attribute[tipo]': CaseType.optional(),
  /** JSON bodies may nest the attributes. */
  attribute: z.object({ tipo: CaseType.optional() }).optional(),
});

/**
 * Open311 GeoReport v2 under /open311/v2 (issue 19), in JSON and XML as the spec writes them.
 * Reading is open to anyone and shows only what service-requests.ts calls public; filing a request
 * takes an API key an admin issued, and opens the case as staff would open one for a caller.
 */
export const open311Plugin: FastifyPluginAsync<Open311Options> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, settings, now } = options;
  const locale = settings.locale;

  // The spec posts forms; attribute[code] arrives as a flat key.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  const formatOf = (request: FastifyRequest): Format => (request.url.split('?')[0]!.endsWith('.xml') ? 'xml' : 'json');
  function send(reply: FastifyReply, format: Format, json: unknown, xml: () => string) {
    if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(xml());
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(json));
  }
  const errors = (request: FastifyRequest, reply: FastifyReply, status: number, list: GeoReportError[]) =>
    send(reply.code(status), formatOf(request), list, () => listXml('errors', list));

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    if (error instanceof GeoReportFailure)
      return errors(request, reply, error.status, [{ code: error.status, description: t(locale, error.key, error.params) }]);
    if (error.validation) {
      const field = (error as { validation: Array<{ instancePath?: string; path?: Array<string | number> }> }).validation
        .map((v) => v.path?.join('.') ?? v.instancePath ?? '')
        .join(', ');
      return errors(request, reply, 400, [{ code: 400, description: t(locale, 'open311.error.invalid', { field }) }]);
    }
    if (error instanceof TooManyRequests || error.statusCode === 429)
      return errors(request, reply, 429, [{ code: 429, description: t(locale, 'open311.error.too_many') }]);
    if (error instanceof AppError && error.status < 500)
      return errors(request, reply, error.status, [{ code: error.status, description: t(locale, error.code, error.params) }]);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
      return errors(request, reply, error.statusCode, [{ code: error.statusCode, description: error.message }]);
    request.log.error({ err: error }, 'open311 request failed');
    return errors(request, reply, 500, [{ code: 500, description: t(locale, 'error.internal') }]);
  });

  const base311 = '/open311/v2';

  app.get(`${base311}/discovery.:format`, { schema: { params: WithFormat } }, async (request, reply) => {
    const url = `${options.publicUrl ?? ''}${base311}/`;
    const discovery = {
      changeset: '2026-12-03T00:00:00Z',
      contact: t(locale, 'open311.discovery_contact'),
      key_service: t(locale, 'open311.key_service'),
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url,
          changeset: '2026-12-03T00:00:00Z',
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    };
    return send(reply, request.params.format, discovery, () => discoveryXml(discovery));
  });

  app.get(`${base311}/services.:format`, { schema: { params: WithFormat } }, async (request, reply) => {
    const services = await listServices(db, settings);
    return send(reply, request.params.format, services, () => listXml('services', services));
  });

  app.get(
    `${base311}/services/:code.:format`,
    { schema: { params: WithFormat.extend({ code: z.string().max(80) }) } },
    async (request, reply) => {
      const definition = await serviceDefinition(db, request.params.code, settings);
      if (!definition) throw new GeoReportFailure(404, 'open311.error.service_not_found', { code: request.params.code });
      return send(reply, request.params.format, definition, () => definitionXml(definition));
    },
  );

  app.get(`${base311}/requests.:format`, { schema: { params: WithFormat, querystring: RequestsQuery } }, async (request, reply) => {
    const q = request.query;
    const requests = await listRequests(
      db,
      {
        ids: q.service_request_id,
        serviceCode: q.service_code,
        start: q.start_date ? new Date(q.start_date) : undefined,
        end: q.end_date ? endOf(q.end_date) : undefined,
        status: q.status,
      },
      settings,
      now(),
    );
    return send(reply, request.params.format, requests, () => listXml('requests', requests));
  });

  app.get(
    `${base311}/requests/:id.:format`,
    { schema: { params: WithFormat.extend({ id: z.string().max(60) }) } },
    async (request, reply) => {
      const requests = await listRequests(db, { ids: [request.params.id] }, settings, now());
      if (requests.length === 0) throw new GeoReportFailure(404, 'open311.error.request_not_found', { id: request.params.id });
      return send(reply, request.params.format, requests, () => listXml('requests', requests));
    },
  );

  app.get(
    `${base311}/tokens/:token.:format`,
    { schema: { params: WithFormat.extend({ token: z.string().max(60) }) } },
    async (request, reply) => {
      const id = await requestOfToken(db, request.params.token);
      if (!id) throw new GeoReportFailure(404, 'open311.error.token_not_found', { token: request.params.token });
      const answer = [{ service_request_id: id, token: request.params.token }];
      return send(reply, request.params.format, answer, () => listXml('requests', answer));
    },
  );

  app.post(
    `${base311}/requests.:format`,
    {
      schema: {
        params: WithFormat,
        body: NewRequestBody,
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        description: t(locale, 'openapi.open311.file_request'),
      },
      config: {
        rateLimit: {
          max: options.filedPerMinute,
          timeWindow: 60_000,
          // After the body is read: requests are counted per key, whichever address they come from.
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => {
            const key = (request.body as { api_key?: unknown } | undefined)?.api_key;
            return typeof key === 'string' && key ? `key:${key}` : `ip:${request.ip}`;
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!body.api_key) throw new GeoReportFailure(400, 'open311.error.api_key_missing');
      const key = await keyOf(db, body.api_key);
      if (!key) throw new GeoReportFailure(403, 'open311.error.api_key_invalid');
      if (!body.service_code) throw new GeoReportFailure(400, 'open311.error.service_code_missing');
      const located = (body.lat !== undefined && body.long !== undefined) || !!body.address_string || !!body.address_id;
      if (!located) throw new GeoReportFailure(400, 'open311.error.location_missing');
      const name = [body.first_name, body.last_name].filter(Boolean).join(' ') || undefined;
      const filed: NewRequest = {
        serviceCode: body.service_code,
        type: body['attribute[tipo]'] ?? body.attribute?.tipo,
        description: body.description,
        address: body.address_string,
        lat: body.lat,
        long: body.long,
        email: body.email,
        phone: body.phone,
        name,
        accountId: body.account_id,
      };
      const answer = await fileRequest(db, key, filed, { ...settings, cases: options.caseSettings }, now());
      if (!answer) throw new GeoReportFailure(404, 'open311.error.service_not_found', { code: body.service_code });
      return send(reply, request.params.format, [answer], () => listXml('requests', [answer]));
    },
  );
};

/** Admins issue, list and revoke the apps' keys (the console's *Open311* page). */
export const open311KeysPlugin: FastifyPluginAsync<{ db: Db; now: () => Date }> = async (plugin, { db, now }) => {
  plugin.register(async (authed) => {
    staffAuth(authed, db);
    const routes = authed.withTypeProvider<ZodTypeProvider>();
    const Key = z.object({
      id: z.number(),
      name: z.string(),
      createdAt: z.date(),
      revokedAt: z.date().nullable(),
      lastUsedAt: z.date().nullable(),
    });
    routes.get('/api/staff/open311/keys', { schema: { response: { 200: z.object({ keys: z.array(Key) }) } } }, async (request) => {
      requireRole(request, ['admin']);
      return { keys: await listKeys(db) };
    });
    routes.post(
      '/api/staff/open311/keys',
      {
        schema: {
          body: z.object({ name: z.string().trim().min(1).max(120) }),
          response: { 201: Key.extend({ api_key: z.string() }) },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, ['admin']);
        const { apiKey, ...key } = await issueKey(db, request.body.name, { id: staff.id, ip: request.ip });
        // Shown this once: only its hash is kept.
        return reply.code(201).send({ ...key, api_key: apiKey });
      },
    );
    routes.post(
      '/api/staff/open311/keys/:id/revoke',
      { schema: { params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: z.object({ key: Key }) } } },
      async (request) => {
        const staff = requireRole(request, ['admin']);
        return { key: await revokeKey(db, request.params.id, { id: staff.id, ip: request.ip }, now()) };
      },
    );
  });
};

/** A bare date as an end date means the whole of that day. */
function endOf(value: string): Date {
  return value.length === 10 ? new Date(new Date(`${value}T00:00:00Z`).getTime() + 86_400_000 - 1) : new Date(value);
}
