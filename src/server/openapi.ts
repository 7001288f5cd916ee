import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { SESSION_COOKIE } from './plugins/staff-auth.js';
import { scopePolicy } from './security-headers.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `staffAuth` on every route of its scope: the route needs a staff session (cookie or bearer). */
    staffSession?: boolean;
  }
}

/** Where the reference page lives; the document is `${DOCS_PREFIX}/json` (and `/yaml`). */
export const DOCS_PREFIX = '/api/docs';

/**
 * The API's parts, by URL prefix (first match wins). A route under none of them is a page or an
 * asset (the chat, the console, widget.js, /acuse/…) and stays out of the document; a new API
 * under a new prefix needs its line here.
 */
const TAGS: ReadonlyArray<{ prefix: string; tag: string; description: MessageKey }> = [
  { prefix: '/api/webchat/', tag: 'webchat', description: 'openapi.tag.webchat' },
  { prefix: '/api/staff/', tag: 'staff', description: 'openapi.tag.staff' },
  { prefix: '/api/auth/', tag: 'scripts', description: 'openapi.tag.scripts' },
  { prefix: '/api/cases', tag: 'scripts', description: 'openapi.tag.scripts' },
  { prefix: '/open311/v2/', tag: 'open311', description: 'openapi.tag.open311' },
  { prefix: '/health', tag: 'health', description: 'openapi.tag.health' },
  { prefix: '/webhooks/', tag: 'webhooks', description: 'openapi.tag.webhooks' },
];

/** The console's cookie, or the same session's token as a bearer header (what `POST /api/auth/login` returns). */
const STAFF_SECURITY: Array<Record<string, string[]>> = [{ staffSession: [] }, { staffToken: [] }];
/** A web chat conversation's token, given when it was started. */
const CONVERSATION_SECURITY: Array<Record<string, string[]>> = [{ conversationToken: [] }];

/** A file upload: whatever the part's name, the route reads the first file. */
const MULTIPART_FILE = { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } };
const RAW_BYTES = { type: 'string', format: 'binary' };

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type RouteSchema = Record<string, unknown> & { consumes?: string[]; body?: unknown; hide?: boolean };

/**
 * The zod transform, plus what the routes do not say themselves: the tag by prefix, the
 * security of staff and conversation routes, a body for uploads that are not JSON (their
 * `consumes` says which), and `hide` for pages, assets, sockets and this page itself.
 */
export function describeRoute(input: TransformInput) {
  const { url } = input;
  const route = (input as { route?: RouteOptions }).route;
  const part = TAGS.find((entry) => url.startsWith(entry.prefix));
  if (!part || route?.websocket || url.startsWith(DOCS_PREFIX)) return { schema: { hide: true }, url };

  const own = (input.schema ?? {}) as RouteSchema;
  const security = route?.config?.staffSession
    ? STAFF_SECURITY
    : url.startsWith('/api/webchat/conversations/')
      ? CONVERSATION_SECURITY
      : undefined;
  const transformed = jsonSchemaTransform({
    ...input,
    schema: { ...own, tags: [part.tag], ...(security ? { security } : {}) },
  }) as { schema: RouteSchema; url: string };
  const schema = transformed.schema;
  if (schema.body === undefined && own.consumes?.length) {
    schema.body = own.consumes.includes('multipart/form-data') ? MULTIPART_FILE : RAW_BYTES;
  }
  return { schema, url: transformed.url };
}

export interface OpenApiOptions {
  version: string;
  locale: Locale;
}

/** The reference page's policy: swagger-ui's own files, its fetches of the document (and of "Try it out"), nothing inline. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The API's OpenAPI 3 document, generated from the routes' zod schemas at `GET /api/docs/json`,
 * and swagger-ui at `GET /api/docs`. Register before any route: the document lists the routes
 * added after it.
 */
export async function registerOpenApi(app: FastifyInstance, { version, locale }: OpenApiOptions): Promise<void> {
  const tags = [...new Map(TAGS.map(({ tag, description }) => [tag, { name: tag, description: t(locale, description) }])).values()];
  const options: FastifyDynamicSwaggerOptions = {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Ventanilla', version, description: t(locale, 'openapi.description') },
      tags,
      components: {
        securitySchemes: {
          staffSession: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: t(locale, 'openapi.security.session') },
          staffToken: { type: 'http', scheme: 'bearer', description: t(locale, 'openapi.security.token') },
          conversationToken: { type: 'http', scheme: 'bearer', description: t(locale, 'openapi.security.conversation') },
        },
      },
    },
    transform: describeRoute as FastifyDynamicSwaggerOptions['transform'],
    transformObject: jsonSchemaTransformObject,
  };
  await app.register(swagger, options);
  await app.register(async (docs) => {
    // swagger-ui's page, its initializer and its static files are all files of ours: nothing inline, nothing evaluated.
    scopePolicy(docs, DOCS_CSP);
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      staticCSP: false,
      // No top bar (its URL box would fetch other documents); the operations listed, their models folded.
      uiConfig: { layout: 'BaseLayout', docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
      theme: { title: 'Ventanilla — API' },
    });
  });
}
