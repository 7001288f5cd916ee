import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

/** A policy as a set of directives, so their order and spacing do not matter. */
const directives = (policy: unknown) =>
  String(policy ?? '')
    .split(';')
    .map((d) => d.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .sort();

const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const CHAT_CSP =
  "default-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'none'";
const ACK_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

const get = (url: string) => app.app.inject({ method: 'GET', url });

describe('security headers, per route', () => {
  it('gives every response nosniff, no referrer and the closed default policy, and nothing that would stop the widget being embedded', async () => {
    for (const url of ['/healthz', '/api/nothing-here']) {
      const res = await get(url);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(directives(res.headers['content-security-policy'])).toEqual(directives(DEFAULT_CSP));
      // The chat is framed and widget.js is loaded by other sites: no X-Frame-Options, no same-origin resource policy.
      for (const header of [
        'x-frame-options',
        'cross-origin-resource-policy',
        'cross-origin-embedder-policy',
        'cross-origin-opener-policy',
        'strict-transport-security',
      ]) {
        expect(res.headers[header], header).toBeUndefined();
      }
    }
  });

  it('gives the chat page its own policy and serves its assets to any site', async () => {
    const page = await get('/chat');
    expect(directives(page.headers['content-security-policy'])).toEqual(directives(CHAT_CSP));
    expect(page.headers['cache-control']).toBe('no-cache');
    for (const [url, type] of [
      ['/chat.js', 'javascript'],
      ['/chat.css', 'text/css'],
      ['/widget.js', 'javascript'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cache-control']).toBe('public, max-age=300');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(directives(res.headers['content-security-policy'])).toEqual(directives(DEFAULT_CSP));
    }
    // The page's template is rendered at /chat, never sent raw.
    expect((await get('/chat.html')).statusCode).toBe(404);
  });

  it('gives the console page and its files the console policy', async () => {
    const page = await get('/console');
    expect(page.statusCode).toBe(200);
    expect(directives(page.headers['content-security-policy'])).toEqual(directives(CONSOLE_CSP));
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).not.toContain('{{strings}}');
    for (const [url, type] of [
      ['/console/app.js', 'javascript'],
      ['/console/app.css', 'text/css'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(directives(res.headers['content-security-policy'])).toEqual(directives(CONSOLE_CSP));
    }
    expect((await get('/console/index.html')).statusCode).toBe(404);
    expect((await get('/console/../package.json')).statusCode).not.toBe(200);
    const slash = await get('/console/');
    expect(slash.statusCode).toBe(302);
    expect(slash.headers.location).toBe('/console');
  });

  it("serves Leaflet's script and stylesheet to the console under its policy", async () => {
    for (const [url, type] of [
      ['/console/vendor/leaflet.js', 'text/javascript'],
      ['/console/vendor/leaflet.css', 'text/css'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(directives(res.headers['content-security-policy'])).toEqual(directives(CONSOLE_CSP));
    }
  });

  it("lets the console load images from the map's tile server only when one is configured", async () => {
    const withTiles = await createTestApp({ env: { MAP_TILE_URL: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png' } });
    try {
      for (const url of ['/console', '/console/app.js']) {
        const res = await withTiles.app.inject({ method: 'GET', url });
        expect(directives(res.headers['content-security-policy'])).toEqual(
          directives(CONSOLE_CSP.replace("img-src 'self' blob: data:", "img-src 'self' blob: data: https://*.tile.openstreetmap.org")),
        );
      }
      // The map's answer names the tile server for the console.
      const login = await withTiles.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
      const map = await withTiles.app.inject({
        method: 'GET',
        url: '/api/staff/map',
        headers: { authorization: `Bearer ${login.json().token}` },
      });
      expect(map.json().tiles).toEqual({ url: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OpenStreetMap' });
      // The rest of the site is as closed as before.
      const health = await withTiles.app.inject({ method: 'GET', url: '/healthz' });
      expect(directives(health.headers['content-security-policy'])).toEqual(directives(DEFAULT_CSP));
    } finally {
      await withTiles.close();
    }
    const ownServer = await createTestApp({ env: { MAP_TILE_URL: 'http://10.0.0.5:8080/teselas/{z}/{x}/{y}.png' } });
    try {
      const res = await ownServer.app.inject({ method: 'GET', url: '/console' });
      expect(res.headers['content-security-policy']).toContain("img-src 'self' blob: data: http://10.0.0.5:8080;");
    } finally {
      await ownServer.close();
    }
  });

  it('gives the acknowledgement page a policy that allows its inline style and its form', async () => {
    const res = await get('/acuse/not-a-token');
    expect(res.statusCode).toBe(403);
    expect(directives(res.headers['content-security-policy'])).toEqual(directives(ACK_CSP));
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('sets the console session cookie HttpOnly, SameSite=Strict on the whole site, and clears it at logout', async () => {
    const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^ventanilla_staff=[\w-]{43}; /);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Expires=/);
    expect(cookie).not.toMatch(/; Secure/);
    const session = cookie.split(';')[0]!;
    const csrf = login.json().csrfToken as string;
    const out = await app.app.inject({ method: 'POST', url: '/api/staff/logout', headers: { cookie: session, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    const cleared = String(out.headers['set-cookie']);
    expect(cleared).toMatch(/^ventanilla_staff=;/);
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    expect((await app.app.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie: session } })).statusCode).toBe(401);
  });
});
