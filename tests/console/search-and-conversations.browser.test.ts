import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshotFolder, followNav } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { cases, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

// As in console.browser.test.ts: the README's pictures only with UPDATE_SCREENSHOTS=1, else a temporary folder.
const SCREENSHOTS = screenshotFolder();
const PASSWORD = 'clave-segura-123';
const WAITED_MS = 12 * 60_000;

let app: TestApp;
let browser: Browser;
let base: string;
/** The server's clock runs ahead of the database's by what the citizens have waited. */
let skew = 0;
let n = 0;
const contexts: BrowserContext[] = [];

async function newPage(width = 1280, height = 860): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return page;
}

async function staffLogin(email: string, password = PASSWORD): Promise<Page> {
  const page = await newPage();
  await page.goto(`${base}/console`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
  return page;
}

/** A citizen writes on WhatsApp or Telegram, through the one receive path. */
const says = (channel: 'whatsapp' | 'telegram', from: string, text: string) =>
  app.conversations.receive(
    InboundMessage.parse({ channel, channelUserId: from, conversationKey: from, externalId: `m${++n}`, text, receivedAt: new Date() }),
  );

async function openByPhone(body: Record<string, string>) {
  const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/staff/cases',
    payload: { channel: 'telefono', type: 'reporte', ...body },
    headers: { cookie, 'x-csrf-token': login.json().csrfToken },
  });
  expect(res.statusCode).toBe(200);
  return res.json().case as { id: number; folio: string };
}

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date(Date.now() + skew) });
  await app.database.db.insert(staffUsers).values({
    email: 'operador@muni.test',
    name: 'Óscar Operador',
    role: 'operador',
    departmentId: null,
    passwordHash: await hashPassword(PASSWORD),
  });
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  await app.start();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.close();
});

describe(`the tray's search and the conversations page in Chromium (${databaseKind})`, () => {
  it('finds cases by name without accents, by phone digits and by description words, and shows their descriptions', async () => {
    const pena = await openByPhone({
      category: 'baches-pavimento',
      description: 'Bache enorme frente al mercado de la colonia Peñitas <b>urgente</b>',
      name: 'José Peña Álvarez',
      phone: '+52 55 1111-2222',
    });
    const fuga = await openByPhone({
      category: 'agua-drenaje',
      description: 'Fuga de agua en Morelos y Juárez',
      name: 'María Ruiz',
      email: 'maria.ruiz@example.org',
    });
    const admin = await staffLogin(ADMIN.email, ADMIN.password);
    const search = admin.getByRole('searchbox', { name: 'Buscar' });
    const folios = async () => admin.locator('tbody tr td:first-child a').allTextContents();
    // The count agrees with its noun: «N casos» for the whole tray, «1 caso» (not «1 casos») for one.
    await admin.locator('p.muted', { hasText: /^([2-9]|\d{2,}) casos$/ }).waitFor();

    await search.fill('jose pena');
    await search.press('Enter');
    await admin.locator('p.muted', { hasText: /^1 caso$/ }).waitFor();
    expect(await folios()).toEqual([pena.folio]);
    // The description is shown as text: the markup a citizen typed is not markup here.
    await admin.locator('td div.clamp', { hasText: '<b>urgente</b>' }).waitFor();
    expect(await admin.locator('td div.clamp b').count()).toBe(0);

    await search.fill('(55) 1111 2222');
    await search.press('Enter');
    await admin.waitForURL(/q=%2855%29/);
    await admin.locator('p.muted', { hasText: /^1 caso$/ }).waitFor();
    expect(await folios()).toEqual([pena.folio]);

    await search.fill('juarez');
    await search.press('Enter');
    await admin.locator('tbody tr', { hasText: fuga.folio }).waitFor();
    expect(await folios()).toEqual([fuga.folio]);
    // The exports carry the same search.
    expect(await admin.getByRole('link', { name: 'Exportar CSV' }).getAttribute('href')).toContain('q=juarez');
    await admin.screenshot({ path: `${SCREENSHOTS}console-tray-search.png` });

    await search.fill('mercado');
    await search.press('Enter');
    await admin.locator('tbody tr', { hasText: pena.folio }).waitFor();
    expect(await admin.locator('tbody tr').count()).toBe(1);
  }, 120_000);

  it('names each waiting conversation by citizen and channel identity, says why and how long it waits, and opens a case from it', async () => {
    // Ana reported a pothole on WhatsApp earlier, then asks for a person; a Telegram citizen asks too.
    await says('whatsapp', '5215598765432', 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
    await says('whatsapp', '5215598765432', 'Ana López 5598765432');
    await says('whatsapp', '5215598765432', 'omitir');
    const reported = await says('whatsapp', '5215598765432', 'sí');
    const earlier = /AC-\d{4}-\d{6}/.exec(reported.replies.map((r) => r.text).join(' '))![0];
    await says('whatsapp', '5215598765432', 'quiero hablar con una persona');
    await says('whatsapp', '5215598765432', 'Desde ayer no pasa el camión de la basura por la calle Allende');
    await says('telegram', '700123456', 'quiero hablar con una persona');
    skew = WAITED_MS;

    const oscar = await staffLogin('operador@muni.test');
    await followNav(oscar, 'Conversaciones');
    const ana = oscar.locator('ul.conv-list li', { hasText: 'Ana López' });
    await ana.waitFor();
    await ana.getByText('WhatsApp +5215598765432').waitFor();
    await ana.getByText('espera hace 12 min').waitFor();
    await ana.getByText('Pidió hablar con una persona').waitFor();
    const list = await oscar.locator('ul.conv-list').innerText();
    expect(list).not.toContain('requested');
    // The Telegram citizen gave no name: the channel identity names them.
    await oscar.locator('ul.conv-list li a', { hasText: 'Telegram, usuario 700123456' }).waitFor();

    await ana.getByRole('link', { name: 'Ana López' }).click();
    await oscar.getByRole('heading', { name: /Ana López/ }).waitFor();
    // Her earlier case, before anyone opens another one.
    await oscar.locator('section.panel', { hasText: 'Casos de este ciudadano' }).getByRole('link', { name: earlier }).waitFor();
    await oscar.screenshot({ path: `${SCREENSHOTS}console-conversations-waiting.png` });

    await oscar.locator('#main').getByRole('link', { name: 'Abrir caso' }).click();
    await oscar.getByRole('heading', { name: 'Abrir un caso por un ciudadano' }).waitFor();
    await oscar.getByText('Desde la conversación con Ana López (WhatsApp +5215598765432)').waitFor();
    expect(await oscar.getByLabel('Nombre').inputValue()).toBe('Ana López');
    expect(await oscar.getByLabel('Teléfono').inputValue()).toBe('5598765432');
    expect(await oscar.getByLabel('Descripción').inputValue()).toContain('no pasa el camión de la basura');
    await oscar.getByLabel('Categoría').selectOption({ label: 'Recolección de basura' });
    await oscar.getByLabel('Descripción').fill('No pasa el camión de la basura por la calle Allende desde ayer');
    await oscar.screenshot({ path: `${SCREENSHOTS}console-open-from-conversation.png`, fullPage: true });
    await oscar.getByRole('button', { name: 'Abrir caso' }).click();
    const created = oscar.locator('p.notice.ok a');
    await created.waitFor();
    const folio = await created.innerText();

    // The case belongs to the conversation: its channel, its citizen, and what was said in it.
    const [row] = await app.database.db.select().from(cases).where(eq(cases.folio, folio));
    expect(row!.channel).toBe('whatsapp');
    expect(row!.conversationId).not.toBeNull();
    await created.click();
    await oscar.locator('ol.timeline', { hasText: 'quiero hablar con una persona' }).waitFor();
    const history = oscar.locator('section.panel', { hasText: 'Otros casos del ciudadano' });
    await history.getByRole('link', { name: earlier }).waitFor();
    await history.getByText('La de este caso').waitFor();
    await oscar.screenshot({ path: `${SCREENSHOTS}console-case-history.png`, fullPage: true });
  }, 120_000);
});
