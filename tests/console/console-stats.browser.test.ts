import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotFolder, followNav } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { addStaff, seedMonth, STATS_PASSWORD } from './stats-fixture.js';

// Written to docs/screenshots only with UPDATE_SCREENSHOTS=1 (see console.browser.test.ts).
const SCREENSHOTS = screenshotFolder();

let app: TestApp;
let browser: Browser;
let base: string;
let period: { from: Date; to: Date };

async function login(email: string, width = 1280, height = 800): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${base}/console`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(STATS_PASSWORD);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
  return page;
}

beforeAll(async () => {
  const today = new Date();
  app = await createTestApp({ now: () => new Date() });
  const coordinator = await addStaff(app.database.db, 'coordinacion@muni.test', 'Carla Coordinadora', 'coordinador');
  period = await seedMonth(app.database.db, coordinator, today);
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const day = (d: Date) => d.toLocaleDateString('en-CA', { timeZone: 'America/Mexico_City' });

describe(`statistics and phone follow-up in the console (Chromium, ${databaseKind})`, () => {
  it('shows a coordinator the period in figures, charts and a table per department, no procede apart from closed', async () => {
    const page = await login('coordinacion@muni.test');
    await followNav(page, 'Estadísticas');
    await page.getByRole('heading', { name: 'Estadísticas', level: 2 }).waitFor();
    await page.getByLabel('Desde').fill(day(period.from));
    await page.getByLabel('Hasta').fill(day(period.to));
    await page.getByRole('button', { name: 'Mostrar' }).click();

    const summary = page.getByRole('list', { name: 'Resumen del periodo' });
    await summary.getByText('Abiertos en el periodo').waitFor();
    await expect
      .poll(() => summary.locator('li').allInnerTexts())
      .toEqual([
        '5\nAbiertos en el periodo',
        '2\nEn trámite',
        '2\nCerrados',
        '1\nNo procede',
        '1\nVencidos sin cerrar',
        '4 días\nMediana para cerrar',
        '75 %\nCumplimiento de plazos (%)',
        '2\nMediana a la primera respuesta (días)',
        '—\nSatisfacción promedio (1 a 5)',
      ]);
    const row = async (name: string) =>
      await page
        .locator('#dash-by-department')
        .getByRole('row', { name: new RegExp(`^${name}`) })
        .locator('td')
        .allInnerTexts();
    expect(await row('Organismo Operador de Agua Potable y Drenaje')).toEqual(['2', '1', '0', '1', '0', '—']);
    expect(await row('Dirección de Obras Públicas')).toEqual(['2', '0', '2', '0', '0', '4 días']);
    expect(await row('Total')).toEqual(['5', '2', '2', '1', '1', '4 días']);
    const byStatus = page.locator('#dash-by-status tbody tr');
    expect(await byStatus.allInnerTexts()).toEqual([
      'Nuevo\t2',
      'Recepcionado\t0',
      'En seguimiento\t0',
      'Escalado\t0',
      'Cerrado\t2',
      'No procede\t1',
    ]);
    const byChannel = await page.locator('#dash-by-channel').innerText();
    for (const channel of ['Teléfono', 'Presencial', 'Visita', 'Redes sociales']) expect(byChannel).toContain(channel);
    await page.screenshot({ path: `${SCREENSHOTS}console-stats.png`, fullPage: true });

    // On a tablet the page does not spill sideways (a wide table scrolls inside its own box).
    const tablet = await login('coordinacion@muni.test', 768, 1024);
    await tablet.goto(`${base}/console#/estadisticas?from=${day(period.from)}&to=${day(period.to)}`);
    await tablet
      .locator('#dash-by-department')
      .getByRole('row', { name: /^Total/ })
      .waitFor();
    expect(await tablet.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await tablet.screenshot({ path: join(tmpdir(), 'ventanilla-console-stats-tablet.png'), fullPage: true });
  });

  it('marks in the tray and on the case page the answers that must be given by phone, until the call is recorded', async () => {
    const page = await login('coordinacion@muni.test');
    // The closed and rejected phone cases left only a phone: they wait in the tray to be called.
    const calls = page.locator('tbody tr', { has: page.locator('.badge.call', { hasText: 'Avisar por teléfono' }) });
    await expect.poll(() => calls.count()).toBe(3);
    const rejected = calls.filter({ hasText: 'No procede' });
    await rejected.getByRole('link').click();
    const panel = page.getByRole('alert');
    await panel.getByText('Llamar al 5500000000').waitFor();
    expect(await panel.locator('blockquote').innerText()).toContain('Es de la red estatal.');
    await page.screenshot({ path: `${SCREENSHOTS}console-call.png`, fullPage: true });
    await page.locator('summary', { hasText: 'Registrar que se avisó al ciudadano' }).waitFor();
    await page.getByLabel('Nota').fill('Se le avisó; dice que llamará al estado.');
    await page.getByRole('button', { name: 'Registrar aviso' }).click();
    await page.locator('#flash', { hasText: 'Aviso registrado.' }).waitFor();
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('ol.timeline').innerText()).toContain('Ciudadano avisado');
    await page.getByRole('link', { name: /Volver a la bandeja/ }).click();
    await expect.poll(() => calls.count()).toBe(2);
  });
});
