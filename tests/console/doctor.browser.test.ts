import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { followNav, launchChromium, signIn } from '../helpers/browser.js';
import { databaseKind } from '../helpers/database.js';
import { TelegramStandIn } from '../helpers/telegram-stand-in.js';

let app: TestApp;
let telegram: TelegramStandIn;
let browser: Browser;
let base: string;

beforeAll(async () => {
  telegram = await new TelegramStandIn().start();
  app = await createTestApp({
    now: () => new Date(),
    env: { TELEGRAM_BOT_TOKEN: '987654321:AAH-another-token_that-telegram-refuses', TELEGRAM_API_ROOT: telegram.apiRoot },
  });
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await telegram?.close();
});

describe(`the console's Diagnóstico page (Chromium, ${databaseKind})`, () => {
  it("lists an admin the doctor's checks, with the fix beside each failure", async () => {
    const page = await (await browser.newContext({ locale: 'es-MX' })).newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, base, ADMIN);
    await followNav(page, 'Diagnóstico');
    const telegramRow = page.locator('tr[data-check="telegram"]');
    await telegramRow.waitFor();
    expect(await telegramRow.getAttribute('data-status')).toBe('fail');
    expect(await telegramRow.innerText()).toContain('TELEGRAM_BOT_TOKEN rechazado por Telegram (401)');
    expect(await telegramRow.innerText()).toContain('copie el token que le dio @BotFather');
    expect(await page.locator('tr[data-check="database"]').getAttribute('data-status')).toBe('ok');
    await page.getByText('1 problema por resolver.').waitFor();
  });
});
