import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { addStaff, seedMonth, STATS_PASSWORD } from './stats-fixture.js';

let app: TestApp;
let browser: Browser;
let base: string;
let period: { from: Date; to: Date };

/** Asked before signing in (401), and the browser's own guess at an icon. */
const EXPECTED = [/^http 401: GET .*\/api\/staff\/me$/, /status of 401 .*\/api\/staff\/me\)$/, /favicon\.ico\)?$/];
const unexpected = (problems: string[]) => problems.filter((p) => !EXPECTED.some((re) => re.test(p)));

/** Every policy violation and console error a page reports, however it is reported. */
async function watched(width = 1280, height = 800): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text()))
      problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`http ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction('reportViolation', (text: string) => problems.push(`violation: ${text}`));
  await page.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));",
  });
  return { page, problems };
}

const day = (d: Date) => d.toLocaleDateString('en-CA', { timeZone: 'America/Mexico_City' });

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date() });
  const coordinator = await addStaff(app.database.db, 'coordinacion@muni.test', 'Carla Coordinadora', 'coordinador');
  period = await seedMonth(app.database.db, coordinator, new Date());
  await addStaff(app.database.db, 'admin2@muni.test', 'Ana Admin', 'admin');
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe(`no page breaks its own security policy (Chromium, ${databaseKind})`, () => {
  it('loads every console page, the statistics charts included, without a policy violation', async () => {
    const { page, problems } = await watched();
    await page.goto(`${base}/console`);
    await page.getByLabel('Correo electrónico').fill('admin2@muni.test');
    await page.getByLabel('Contraseña').fill(STATS_PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();

    await page.goto(`${base}/console#/estadisticas?from=${day(period.from)}&to=${day(period.to)}`);
    await page
      .locator('#dash-by-department')
      .getByRole('row', { name: /^Total/ })
      .waitFor();
    // Chart.js has drawn (its styles go through the CSSOM, which the policy allows).
    await page.waitForFunction("window.Chart && window.Chart.getChart(document.querySelector('#dash-by-status canvas'))");

    await page.goto(`${base}/console#/bandeja`);
    await page.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
    await page.locator('tbody tr a').first().click();
    await page.locator('ol.timeline').waitFor();

    for (const route of [
      'llamadas',
      'conversaciones',
      'nuevo',
      'atencion',
      'admin/personal',
      'admin/dependencias',
      'admin/categorias',
      'admin/ejemplos',
      'admin/diagnostico',
    ]) {
      await page.goto(`${base}/console#/${route}`);
      await page.locator('h2').first().waitFor();
      await page.waitForTimeout(300);
    }
    expect(unexpected(problems)).toEqual([]);
  });

  it('loads the web chat, and talks in it, without a policy violation', async () => {
    const { page, problems } = await watched(390, 800);
    await page.goto(`${base}/chat`);
    const input = page.locator('textarea, input[type="text"]').first();
    await input.waitFor();
    await page.locator('.msg').first().waitFor();
    await input.fill('Hay un bache enorme en la calle Hidalgo 123');
    await input.press('Enter');
    await page.waitForTimeout(1000);
    expect(unexpected(problems)).toEqual([]);
  });
});
