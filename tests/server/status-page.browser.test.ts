import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotFolder } from '../helpers/browser.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

const SCREENSHOTS = screenshotFolder();
let app: TestApp;
let browser: Browser;
let base: string;
let folio: string;

beforeAll(async () => {
  app = await createTestApp();
  const login = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
  const headers = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
  const opened = await app.app.inject({
    method: 'POST',
    url: '/api/staff/cases',
    headers,
    payload: {
      channel: 'telefono',
      type: 'reporte',
      category: 'baches-pavimento',
      description: 'Bache profundo frente a la primaria de la calle Hidalgo',
      name: 'Marta Ibarra',
      phone: '55 1234 5678',
    },
  });
  const { id, folio: given } = (opened.json() as { case: { id: number; folio: string } }).case;
  folio = given;
  for (const action of [{ kind: 'receive' }, { kind: 'status', status: 'en_seguimiento' }]) {
    const res = await app.app.inject({ method: 'POST', url: `/api/staff/cases/${id}/actions`, headers, payload: action });
    expect(res.statusCode, res.body).toBe(200);
  }
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe(`the status page on a phone (Chromium, ${databaseKind})`, () => {
  it('takes a folio typed in the form to its status, under the page’s policy', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'es-MX',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text()) || m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${base}/estado`);
    await page.getByRole('heading', { name: 'Estado de un folio', level: 1 }).waitFor();
    // The number as a citizen types it, lower case and without the zeros.
    await page.getByLabel('Folio').fill(`${folio.toLowerCase().replace(/-0+/, ' ')}`);
    await page.getByRole('button', { name: 'Consultar' }).tap();
    await page.getByRole('heading', { name: `Folio ${folio}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/estado/${folio}`);
    await expect(page.getByText('En atención', { exact: true }).isVisible()).resolves.toBe(true);
    expect(await page.locator('dl.facts dd').allTextContents()).toEqual(
      expect.arrayContaining(['Reporte o denuncia', 'Baches y pavimento', 'Dirección de Obras Públicas']),
    );
    // The stylesheet applied (no inline style could have): the heading band is the municipality's blue.
    expect(await page.evaluate('getComputedStyle(document.querySelector("header.top")).backgroundColor')).toBe('rgb(18, 53, 91)');
    // Tap targets are at least 44 px high; text is at least 16 px.
    const link = await page.getByRole('link', { name: 'Consultar otro folio' }).boundingBox();
    expect(link!.height).toBeGreaterThanOrEqual(44);
    expect(Number.parseFloat(String(await page.evaluate('getComputedStyle(document.body).fontSize')))).toBeGreaterThanOrEqual(16);
    // Nothing scrolls sideways on a phone.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    const html = await page.content();
    expect(html).not.toContain('Marta');
    expect(html).not.toContain('1234');
    await page.screenshot({ path: `${SCREENSHOTS}status-page-phone.png`, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
