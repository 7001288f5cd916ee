import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followNav, launchChromium, problemsOf, screenshotFolder, signIn } from '../helpers/browser.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

const SCREENSHOTS = screenshotFolder();
let app: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date() });
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe(`the Open311 keys page (Chromium, ${databaseKind})`, () => {
  it('lets an admin issue a key, shown once, that files a request, and revoke it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = problemsOf(page);
    await signIn(page, base, ADMIN);
    await followNav(page, 'Open311');
    await page.getByText('Aún no hay claves.').waitFor();
    await page.getByLabel('Nombre de la aplicación').fill('App Vecinos');
    await page.getByRole('button', { name: 'Emitir clave' }).click();
    const key = await page.getByLabel('Clave de la API').inputValue();
    expect(key).toMatch(/^v311_/);
    await page.getByRole('cell', { name: 'App Vecinos' }).waitFor();

    const filed = await fetch(`${base}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: key, service_code: 'alumbrado-publico', lat: '27.04', long: '-109.64' }),
    });
    expect(filed.status).toBe(200);
    await page.screenshot({ path: `${SCREENSHOTS}console-open311-keys.png`, fullPage: true });

    await page.getByRole('button', { name: 'Revocar' }).click();
    await page.getByText(/revocada el/).waitFor();
    const refused = await fetch(`${base}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: key, service_code: 'alumbrado-publico', lat: '27.04', long: '-109.64' }),
    });
    expect(refused.status).toBe(403);
    // Reloaded, the page no longer shows the key itself.
    await page.reload();
    await page.getByRole('cell', { name: 'App Vecinos' }).waitFor();
    expect(await page.content()).not.toContain(key);
    expect(problems).toEqual([]);
  });
});
