import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotFolder } from '../helpers/browser.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

const SCREENSHOTS = screenshotFolder();
let app: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await createTestApp();
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe(`the API reference page (Chromium, ${databaseKind})`, () => {
  it('draws the operations of every part of the API under its own policy, with nothing refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));

    await page.goto(`${base}/api/docs`);
    await page.getByRole('heading', { name: /Ventanilla/ }).waitFor();
    // The tags' sections and their operations, folded but listed.
    for (const tag of ['webchat', 'staff', 'scripts', 'open311', 'health']) await page.locator(`#operations-tag-${tag}`).waitFor();
    await page.locator('.opblock-summary-path', { hasText: '/open311/v2/requests.{format}' }).first().waitFor();
    await page.locator('.opblock-summary-path', { hasText: '/api/staff/tray' }).waitFor();
    // Staff operations show their lock; the Authorize button offers the session's schemes.
    await page.locator('#operations-staff-get_api_staff_tray .authorization__btn').waitFor();
    await page
      .getByRole('button', { name: /Authorize/ })
      .first()
      .waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(50);

    // Opened, an operation shows its parameters from the zod schema.
    await page.locator('.opblock-summary-path', { hasText: '/api/staff/tray' }).click();
    await page.locator('#operations-staff-get_api_staff_tray .parameters').getByText('sort', { exact: true }).waitFor();
    await page.locator('.opblock-summary-path', { hasText: '/api/staff/tray' }).click();

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${SCREENSHOTS}api-docs.png` });
    expect(problems).toEqual([]);
  });
});
