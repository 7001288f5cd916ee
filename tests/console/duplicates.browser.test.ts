import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundMessage } from '../../src/messages/inbound.js';
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
  // She writes on WhatsApp, then calls the office, where the operator types her number.
  await app.conversations.receive(
    InboundMessage.parse({
      channel: 'whatsapp',
      channelUserId: '5213317654098',
      conversationKey: '5213317654098',
      externalId: 'wamid.duplicates.1',
      senderPhone: '+5213317654098',
      receivedAt: new Date(),
      text: 'Hola, buenas tardes',
    }),
  );
  const login = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
  const { token } = login.json() as { token: string };
  const opened = await app.app.inject({
    method: 'POST',
    url: '/api/staff/cases',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      channel: 'telefono',
      type: 'reporte',
      category: 'alumbrado-publico',
      description: 'Lámpara fundida frente al número 40',
      name: 'Leocadia Ybarrondo',
      phone: '33 1765 4098',
      email: 'leocadia.y@correo.test',
    },
  });
  expect(opened.statusCode, opened.body).toBe(200);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe(`the possible duplicates page (Chromium, ${databaseKind})`, () => {
  it('shows the two records side by side and merges them on confirmation', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = problemsOf(page);
    await signIn(page, base, ADMIN);
    await followNav(page, 'Duplicados');
    const pair = page.getByRole('region', { name: 'Comparten el teléfono +523317654098' });
    await pair.waitFor();
    await expect.poll(() => pair.getByText('WhatsApp').count()).toBe(1);
    await pair.getByText('Leocadia Ybarrondo').waitFor();
    // The WhatsApp record has no typed phone: its channel's number is what it shares.
    await pair.getByText('+523317654098', { exact: true }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}console-duplicates.png`, fullPage: true });

    await pair.getByRole('button', { name: 'Unir: es la misma persona' }).click();
    await page.getByText('Registros unidos.').waitFor();
    await page.getByText('No hay propuestas pendientes.').waitFor();
    const cases = await app.database.db.query.cases.findMany({ columns: { citizenId: true } });
    const identities = await app.database.db.query.citizenIdentities.findMany({ columns: { citizenId: true } });
    expect(new Set([...cases, ...identities].map((r) => r.citizenId)).size).toBe(1);
    // The record kept, on its own page: every channel's messages and cases in one timeline.
    await page.goto(`${base}/console#/ciudadano/${[...new Set(cases.map((r) => r.citizenId))][0]}`);
    await page.getByRole('heading', { name: 'Leocadia Ybarrondo' }).waitFor();
    await page.getByText('Hola, buenas tardes').waitFor();
    await page.getByText('Abrió el caso').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}console-citizen-timeline.png`, fullPage: true });
    expect(problems).toEqual([]);
  });
});
