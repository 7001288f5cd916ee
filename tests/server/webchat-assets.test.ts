import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const get = (url: string) => app.app.inject({ method: 'GET', url });

/** The modules a script imports, by their URL under /chat/. */
const imports = (source: string) => [...source.matchAll(/^import .* from '\.\/([\w-]+\.js)';$/gm)].map((m) => `/chat/${m[1]}`);

describe(`the web chat's scripts (${databaseKind})`, () => {
  it('loads the early script, then the chat module and every module it imports, all as JavaScript', async () => {
    const page = await get('/chat');
    expect(page.body).toContain('<script src="/chat.js"></script>');
    expect(page.body).toContain('<script type="module" src="/chat/main.js"></script>');
    const early = await get('/chat.js');
    expect(early.statusCode).toBe(200);
    expect(early.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(early.body).not.toMatch(/^\s*(import|export)\b/m);
    const seen = new Set<string>();
    const pending = ['/chat/main.js'];
    while (pending.length > 0) {
      const url = pending.pop()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      pending.push(...imports(res.body));
    }
    expect(seen.size).toBeGreaterThan(5);
  });

  it('serves nothing else from the chat folder', async () => {
    for (const url of ['/chat/missing.js', '/chat/..%2Fchat.html', '/chat/%2E%2E%2Fwidget.js', '/chat/state.d.ts', '/chat/Main.js']) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });
});
