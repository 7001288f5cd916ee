import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, followNav } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { clock, PASSWORD, seedFebruary } from '../reports/dashboard-fixture.js';

// DASHBOARD_SCREENSHOTS=/some/dir keeps the screenshots there; otherwise a fresh temporary directory.
const SHOTS = process.env.DASHBOARD_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'ventanilla-dashboard-'));

let app: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await createTestApp({ now: () => clock.now });
  await seedFebruary(app);
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A signed-in coordinator's page that writes down every policy violation it reports. */
async function signedIn(width: number, height: number): Promise<{ page: Page; violations: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const violations: string[] = [];
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));",
  });
  await page.goto(`${base}/console`);
  await page.getByLabel('Correo electrónico').fill('coordinacion@muni.test');
  await page.getByLabel('Contraseña').fill(PASSWORD);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
  return { page, violations };
}

/** The drawn length of each bar of a chart's first dataset, as Chart.js laid them out. */
// Runs in the page (a string: the tests' type checker knows no DOM).
const barLengths = (page: Page, section: string) =>
  page.evaluate<number[] | null>(`(() => {
    const canvas = document.querySelector(${JSON.stringify(`#${section} canvas`)});
    const chart = canvas && window.Chart && window.Chart.getChart(canvas);
    if (!chart) return null;
    return chart.getDatasetMeta(0).data.map((bar) => {
      const p = bar.getProps(['x', 'y', 'base', 'horizontal'], true);
      return Math.round(Math.abs((p.horizontal ? p.x : p.y) - p.base));
    });
  })()`);

describe(`the dashboard in Chromium (${databaseKind})`, () => {
  it('draws bars as long as their figures, beside tables with the same numbers, under the console’s policy', async () => {
    const { page, violations } = await signedIn(1280, 900);
    await followNav(page, 'Estadísticas');
    await page.getByLabel('Desde').fill('2026-02-01');
    await page.getByLabel('Hasta').fill('2026-02-28');
    await page.getByRole('button', { name: 'Mostrar' }).click();
    const byType = page.locator('#dash-by-type');
    await expect
      .poll(() => byType.locator('tbody tr').allInnerTexts())
      .toEqual(['Queja\t1', 'Solicitud de información\t1', 'Sugerencia\t0', 'Reporte\t3']);
    // Queja 1, Solicitud 1, Sugerencia 0, Reporte 3: the bars follow the figures.
    await expect.poll(() => barLengths(page, 'dash-by-type')).not.toBeNull();
    const [queja, solicitud, sugerencia, reporte] = (await barLengths(page, 'dash-by-type'))!;
    expect(queja).toBeGreaterThan(0);
    expect(solicitud).toBe(queja);
    expect(sugerencia).toBe(0);
    expect(reporte! / queja!).toBeCloseTo(3, 1);
    // Compliance per department: 100 % for Obras Públicas and 0 % elsewhere.
    const compliance = (await barLengths(page, 'dash-compliance'))!;
    expect(Math.max(...compliance)).toBeGreaterThan(100);
    expect(Math.min(...compliance)).toBe(0);
    const totals = page.locator('#dash-by-department tfoot tr');
    expect(await totals.locator('td').allInnerTexts()).toEqual(['5', '3', '1', '1', '0', '2 días']);
    await expect.poll(() => page.locator('#dash-procedures tbody tr').allInnerTexts()).toEqual(['Pago del impuesto predial\t2']);

    // The downloads carry the filters shown.
    await page.locator('select[name="type"]').selectOption('reporte');
    await page.getByRole('button', { name: 'Mostrar' }).click();
    await expect.poll(() => page.locator('.kpis li').first().innerText()).toBe('3\nAbiertos en el periodo');
    const xlsx = await page.getByRole('link', { name: 'Descargar tablas (Excel)' }).getAttribute('href');
    expect(xlsx).toBe('/api/staff/stats/export.xlsx?from=2026-02-01&to=2026-02-28&granularity=day&type=reporte');
    expect(await page.getByRole('link', { name: 'Informe mensual (PDF)' }).getAttribute('href')).toBe(
      '/api/staff/reports/monthly.pdf?month=2026-02',
    );
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Informe mensual (PDF)' }).click();
    expect((await download).suggestedFilename()).toBe('informe-mensual-2026-02.pdf');
    await page.screenshot({ path: join(SHOTS, 'dashboard-desktop.png'), fullPage: true });
    expect(violations).toEqual([]);
  });

  it('fits a tablet held upright, and draws the attention figures the same way', async () => {
    const { page, violations } = await signedIn(800, 1280);
    await page.goto(`${base}/console#/estadisticas?from=2026-02-01&to=2026-02-28`);
    await page.locator('#dash-by-department tfoot tr').waitFor();
    await expect.poll(() => barLengths(page, 'dash-by-channel')).not.toBeNull();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(800);
    await page.screenshot({ path: join(SHOTS, 'dashboard-tablet.png'), fullPage: true });

    await page.goto(`${base}/console#/atencion?from=2026-02-01&to=2026-02-28`);
    await expect.poll(() => page.locator('#dash-procedures tbody tr').allInnerTexts()).toEqual(['Pago del impuesto predial\t2']);
    await expect.poll(() => barLengths(page, 'dash-by-channel')).toEqual([expect.any(Number), expect.any(Number)]);
    expect(violations).toEqual([]);
  });
});
