import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const get = (url: string) => app.app.inject({ method: 'GET', url });

/** The modules a script imports, by their URL under /console/. */
const imports = (source: string) => [...source.matchAll(/^import .* from '\.\/([\w-]+\.js)';$/gm)].map((m) => `/console/${m[1]}`);

describe(`the console's files (${databaseKind})`, () => {
  it('serves the entry and every page module it imports as JavaScript under the console’s CSP', async () => {
    const page = await get('/console');
    expect(page.body).toContain('<script type="module" src="/console/app.js">');
    const seen = new Set<string>();
    const pending = ['/console/app.js'];
    while (pending.length > 0) {
      const url = pending.pop()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      pending.push(...imports(res.body));
    }
    expect([...seen]).toEqual(
      expect.arrayContaining(['/console/lib.js', '/console/tray.js', '/console/case.js', '/console/stats.js', '/console/admin.js']),
    );
    const css = await get('/console/app.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves nothing else from the folder', async () => {
    for (const url of [
      '/console/index.html',
      '/console/types.d.ts',
      '/console/missing.js',
      '/console/..%2Fpackage.json',
      '/console/%2E%2E%2Fsrc%2Fconfig.ts',
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });
});
