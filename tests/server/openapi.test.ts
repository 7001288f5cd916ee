import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsChannel, TWILIO_INBOUND_PATH } from '../../src/channels/sms/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

// Issue 19: the API describes itself as OpenAPI 3, from the routes' own zod schemas, with a page to read it.

interface Operation {
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  description?: string;
}
interface Document {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }> };
}

let app: TestApp;
let doc: Document;

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
const operation = (method: string, path: string) => {
  const op = doc.paths[path]?.[method];
  if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  return op;
};

beforeAll(async () => {
  // With the SMS channel, so a channel's webhooks are part of the app too.
  app = await createTestApp({
    channels: [smsChannel],
    env: {
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
      TWILIO_AUTH_TOKEN: 'token-de-prueba',
      TWILIO_FROM: '+15005550006',
      TWILIO_API_ROOT: 'http://127.0.0.1:9',
    },
  });
  const res = await app.app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('application/json');
  doc = res.json() as Document;
});
afterAll(async () => app?.close());

describe(`the API's OpenAPI document on ${databaseKind}`, () => {
  it('is a valid OpenAPI 3 document named for Ventanilla and its version', async () => {
    // The parser dereferences in place: it gets its own copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'Ventanilla', version: 'test' });
    expect(doc.info.description).toContain('/api/auth/login');
  });

  it('lists the web chat, the staff and scripts APIs, Open311 (JSON and XML), health and the webhooks', () => {
    for (const [method, path] of [
      ['post', '/api/webchat/conversations'],
      ['post', '/api/webchat/conversations/{id}/messages'],
      ['get', '/api/webchat/conversations/{id}/messages'],
      ['post', '/api/webchat/conversations/{id}/photos'],
      ['post', '/api/staff/login'],
      ['get', '/api/staff/tray'],
      ['post', '/api/staff/cases'],
      ['get', '/api/staff/cases/{id}'],
      ['post', '/api/staff/imports'],
      ['get', '/api/staff/open311/keys'],
      ['post', '/api/auth/login'],
      ['get', '/api/cases'],
      ['get', '/open311/v2/services.{format}'],
      ['get', '/open311/v2/requests.{format}'],
      ['post', '/open311/v2/requests.{format}'],
      ['get', '/healthz'],
      ['post', TWILIO_INBOUND_PATH],
    ]) {
      expect(() => operation(method!, path!)).not.toThrow();
    }
    // One path per route, the suffix a parameter that takes either format.
    expect(operation('get', '/open311/v2/requests.{format}').parameters).toContainEqual(
      expect.objectContaining({ name: 'format', in: 'path', schema: { type: 'string', enum: ['json', 'xml'] } }),
    );
  });

  it('tags every operation by the part of the API it belongs to', () => {
    expect(doc.tags.map((tag) => tag.name)).toEqual(['webchat', 'staff', 'scripts', 'open311', 'health', 'webhooks']);
    for (const tag of doc.tags) expect(tag.description, tag.name).toBeTruthy();
    for (const { path, method, op } of operations()) expect(op.tags, `${method} ${path}`).toHaveLength(1);
    expect(operation('get', '/api/webchat/conversations/{id}/messages').tags).toEqual(['webchat']);
    expect(operation('get', '/api/staff/tray').tags).toEqual(['staff']);
    expect(operation('get', '/api/cases/{id}').tags).toEqual(['scripts']);
    expect(operation('post', '/open311/v2/requests.{format}').tags).toEqual(['open311']);
    expect(operation('get', '/healthz').tags).toEqual(['health']);
    expect(operation('post', TWILIO_INBOUND_PATH).tags).toEqual(['webhooks']);
  });

  it('says which routes need a staff session (the cookie or the bearer token) and which a conversation token', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      staffSession: { type: 'apiKey', in: 'cookie', name: 'ventanilla_staff' },
      staffToken: { type: 'http', scheme: 'bearer' },
      conversationToken: { type: 'http', scheme: 'bearer' },
    });
    const session = [{ staffSession: [] }, { staffToken: [] }];
    for (const { path, method, op } of operations()) {
      const isLogin = path.endsWith('/login');
      if ((path.startsWith('/api/staff/') || path.startsWith('/api/auth/') || path.startsWith('/api/cases')) && !isLogin)
        expect(op.security, `${method} ${path}`).toEqual(session);
      else if (path.startsWith('/api/webchat/conversations/'))
        expect(op.security, `${method} ${path}`).toEqual([{ conversationToken: [] }]);
      else expect(op.security, `${method} ${path}`).toBeUndefined();
    }
    // Filing through Open311 takes the key in the form, as the spec has it: the operation says so.
    const file = operation('post', '/open311/v2/requests.{format}');
    expect(file.description).toContain('api_key');
    expect(Object.keys(file.requestBody!.content)).toEqual(['application/x-www-form-urlencoded', 'application/json']);
  });

  it('describes the uploads that are not JSON: the spreadsheet import and the chat photos', () => {
    expect(operation('post', '/api/staff/imports').requestBody!.content).toEqual({
      'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } },
    });
    expect(operation('post', '/api/webchat/conversations/{id}/photos').requestBody!.content['image/jpeg']).toEqual({
      schema: { type: 'string', format: 'binary' },
    });
  });

  it('leaves out the pages, their assets, the sockets and the reference page itself', () => {
    const paths = Object.keys(doc.paths);
    for (const path of paths) expect(path).toMatch(/^\/(api\/(webchat|staff|auth|cases)|open311\/v2\/|healthz|webhooks\/)/);
    for (const page of ['/', '/chat', '/console', '/widget.js', '/acuse/{token}', '/api/docs', '/api/webchat/conversations/{id}/ws'])
      expect(paths, page).not.toContain(page);
    expect(paths.filter((path) => path.startsWith('/api/docs') || path.startsWith('/console'))).toEqual([]);
  });
});

describe('the reference page', () => {
  it('is HTML under its own policy: scripts and styles of its own, nothing inline or evaluated', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger-initializer.js');
    const policy = String(res.headers['content-security-policy']);
    const directives = new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
        .map(([k, ...v]) => [k, v]),
    );
    expect(policy).not.toContain('unsafe-eval');
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // Its files carry the same policy.
    for (const url of [
      '/api/docs/static/swagger-initializer.js',
      '/api/docs/static/swagger-ui-bundle.js',
      '/api/docs/static/swagger-ui.css',
    ]) {
      const file = await app.app.inject({ method: 'GET', url });
      expect(file.statusCode, url).toBe(200);
      expect(file.headers['content-security-policy'], url).toBe(policy);
    }
  });

  it('serves the document also as YAML', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/docs/yaml' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('title: Ventanilla');
  });
});
