import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotFolder } from '../../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../../../src/db/schema.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { databaseKind } from '../../helpers/database.js';
import { offending } from '../../helpers/tone.js';

// The README's phone pictures only with UPDATE_SCREENSHOTS=1, a temporary folder otherwise.
const SCREENSHOTS = screenshotFolder();

let app: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await createTestApp();
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  await app.start();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function phone(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 780 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'es-MX',
    timezoneId: 'America/Mexico_City',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return page;
}

describe(`the web chat on a phone in Chromium (${databaseKind})`, () => {
  it('takes a report from the first message to its folio, speaking usted throughout', async () => {
    const page = await phone();
    await page.goto(`${base}/chat`);
    const input = page.getByRole('textbox', { name: 'Escriba su mensaje…' });
    const log = page.getByRole('log');
    const say = async (text: string) => {
      await input.fill(text);
      await page.getByRole('button', { name: 'Enviar' }).click();
    };

    await say('Hay un bache enorme frente a la escuela de la calle Hidalgo 123, colonia Centro');
    await log.getByText('¿Cuál es su nombre?').waitFor();
    await say('Ana López');
    await log.getByText('¿A qué teléfono o correo le avisamos').waitFor();
    await say('55 1234 5678');
    const skip = page.locator('#quick').getByRole('button', { name: 'Omitir' });
    await skip.first().waitFor();
    expect(await skip.count()).toBe(1); // the step's own option and the optional step's chip were once both shown
    await skip.click();
    const yes = page.locator('#quick').getByRole('button', { name: 'Sí', exact: true });
    await yes.waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}chat-phone-confirm.png` });
    await yes.click();
    const done = log.getByText(/Registramos su reporte|con el folio/).last();
    await done.waitFor();
    const folio = /[A-Z]+-\d{4}-\d{6}/.exec(await done.innerText())?.[0];
    expect(folio).toBeTruthy();
    // The newest bubble fades in: the picture waits for it to settle.
    await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished)).then(() => true)');
    await page.screenshot({ path: `${SCREENSHOTS}chat-phone-folio.png` });

    // Everything the citizen read is in one register (TONE defaults to usted).
    expect(offending('usted', await log.innerText())).toEqual([]);
    const [opened] = await app.database.db.select().from(cases).where(eq(cases.folio, folio!));
    expect(opened!.channel).toBe('web');
    expect(opened!.description).toContain('bache');
  });
});
