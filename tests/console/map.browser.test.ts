import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../../src/db/schema.js';
import { followNav, launchChromium, problemsOf, screenshotFolder, signIn } from '../helpers/browser.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

// Issue 20: the map of open reports, two clusters and some single reports around a town centre,
// drawn without tiles (none configured) and without breaking the console's policy.

const SCREENSHOTS = screenshotFolder();
const DAY = 86_400_000;
let app: TestApp;
let browser: Browser;
let base: string;
let token: string;

/** Opens a report by phone through the staff API, then places and dates it (and joins it to a parent). */
async function report(category: string, lat: number, lon: number, ageDays: number, parent?: number) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/staff/cases',
    headers: { authorization: `Bearer ${token}` },
    payload: { channel: 'telefono', type: 'reporte', category, description: 'Reporte de prueba del mapa', noContact: true },
  });
  expect(res.statusCode, res.body).toBe(200);
  const opened = res.json().case as { id: number; folio: string };
  await app.database.db
    .update(cases)
    .set({ latitude: lat, longitude: lon, createdAt: new Date(Date.now() - ageDays * DAY - 3_600_000), clusterParentId: parent ?? null })
    .where(eq(cases.id, opened.id));
  return opened;
}

let lamps: { id: number; folio: string };

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date() });
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  const login = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
  token = (login.json() as { token: string }).token;
  // A street of lamps out, reported six times, a month old; a pothole reported three times this week.
  lamps = await report('alumbrado-publico', 27.0712, -109.4437, 34);
  for (const [i, age] of [30, 21, 12, 5, 1].entries()) await report('alumbrado-publico', 27.0712 + i * 0.0001, -109.4437, age, lamps.id);
  const pothole = await report('baches-pavimento', 27.0668, -109.4372, 4);
  for (const age of [3, 1]) await report('baches-pavimento', 27.0669, -109.4371, age, pothole.id);
  // Single reports around them, of every age.
  await report('recoleccion-basura', 27.0745, -109.4468, 2);
  await report('agua-drenaje', 27.0689, -109.4489, 9);
  await report('agua-drenaje', 27.0731, -109.4352, 45);
  await report('parques-jardines', 27.0652, -109.4421, 16);
  await report('alumbrado-publico', 27.0762, -109.4401, 0);
  await report('baches-pavimento', 27.0701, -109.4329, 27);
  await report('recoleccion-basura', 27.0638, -109.4466, 60);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe(`the map page (Chromium, ${databaseKind})`, () => {
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  it('draws the open reports and their clusters on a plain background, with the table of concentrations', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = problemsOf(page);
    await signIn(page, base, ADMIN);
    await followNav(page, 'Mapa');
    await page.getByRole('heading', { name: 'Mapa de reportes abiertos' }).waitFor();
    // Nine points: two clusters and seven single reports; the joined reports are counted, not drawn.
    const points = page.locator('#case-map path.leaflet-interactive');
    await expect.poll(() => points.count()).toBe(9);
    await page.getByText('9 puntos en el mapa con 16 reportes').waitFor();
    await page.getByText(/No hay un servidor de mapas configurado/).waitFor();
    // The clusters carry their count on them.
    expect(await page.locator('.leaflet-tooltip.map-count').allTextContents()).toEqual(['6', '3']);
    // The table lists the points with most reports first.
    const rows = page.locator('table.map-table tbody tr');
    await expect.poll(() => rows.count()).toBe(9);
    expect(await rows.first().locator('td').first().textContent()).toBe(lamps.folio);
    expect(await rows.first().locator('td').nth(1).textContent()).toBe('6');
    await page.screenshot({ path: `${SCREENSHOTS}console-map.png`, fullPage: true });

    // A point's popup names the case, and its folio leads to it.
    await rows.first().getByRole('button').click();
    const popup = page.locator('.leaflet-popup-content');
    await popup.getByRole('link', { name: lamps.folio }).waitFor();
    await expect.poll(() => popup.textContent()).toContain('6 reportes');

    // Only reports over 30 days old: the lamps and two single reports.
    await page.getByRole('form', { name: 'Filtros' }).getByLabel('Antigüedad').selectOption({ label: 'Más de 30 días' });
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await page.waitForURL(/#\/mapa\?age=old/);
    await expect.poll(() => points.count()).toBe(3);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('stays readable on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-MX', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, base, ADMIN);
    await page.goto(`${base}/console#/mapa`);
    await expect.poll(() => page.locator('#case-map path.leaflet-interactive').count()).toBe(9);
    const box = await page.locator('#case-map').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(250);
    // The page itself does not scroll sideways; the table scrolls in its frame.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await context.close();
  });
});
