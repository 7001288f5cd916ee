import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotFolder, followNav } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { departments, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

// As in console.browser.test.ts: the README's picture only with UPDATE_SCREENSHOTS=1, a temporary folder otherwise.
const SCREENSHOTS = screenshotFolder();
const PASSWORD = 'clave-segura-123';

let app: TestApp;
let browser: Browser;
let base: string;
let caseId: number;
let token: string;

/** Policy violations and page errors, however the browser reports them (see csp.browser.test.ts). */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.exposeFunction('reportViolation', (text: string) => problems.push(`violation: ${text}`));
  await page.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));",
  });
  return { page, problems };
}

const act = async (payload: object) => {
  const res = await app.app.inject({
    method: 'POST',
    url: `/api/staff/cases/${caseId}/actions`,
    payload,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.statusCode, res.body).toBe(200);
};

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date(), env: { CITIZEN_REGISTRATION_FIELDS: 'birthdate,sex,birthplace,address' } });
  const [obras] = await app.database.db.select().from(departments).where(eq(departments.code, 'obras-publicas'));
  await app.database.db.insert(staffUsers).values({
    email: 'responsable@muni.test',
    name: 'Rosa Responsable',
    role: 'responsable',
    departmentId: obras!.id,
    passwordHash: await hashPassword(PASSWORD),
  });
  // A citizen's chat with the bot opens the case: the conversation part of its history.
  let n = 0;
  const say = (text: string) =>
    app.conversations.receive(
      InboundMessage.parse({
        channel: 'telegram',
        channelUserId: 'vecina',
        conversationKey: 'vecina',
        externalId: `t${++n}`,
        text,
        receivedAt: new Date(),
      }),
    );
  await say('Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
  await say('Juana Pérez 5512345678');
  await say('omitir');
  await say('sí');
  const login = await app.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'responsable@muni.test', password: PASSWORD },
  });
  token = login.json().token;
  const tray = await app.app.inject({ method: 'GET', url: '/api/staff/tray', headers: { authorization: `Bearer ${token}` } });
  caseId = tray.json().cases[0].id;
  // Staff's internal notes, and a reply the citizen gets.
  await act({ kind: 'receive' });
  await act({ kind: 'note', text: 'Revisar si es de la red estatal' });
  await act({ kind: 'reply', text: 'Ya enviamos una cuadrilla a revisar el bache.' });
  await act({ kind: 'derive_level', to: 'encargado', note: 'Para la cuadrilla de bacheo' });

  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${base}/console`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
}

/** The kinds of the lines the history shows now. */
const shownKinds = (page: Page) =>
  page.locator('ol.timeline > li:not([hidden])').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')));

describe(`the case history in three parts (Chromium, ${databaseKind})`, () => {
  it('filters conversation, internal notes and events with chips, keeps the choice through a live update, and breaks no policy', async () => {
    const { page, problems } = await watchedPage();
    await signIn(page, 'responsable@muni.test', PASSWORD);
    await page.goto(`${base}/console#/caso/${caseId}`);
    const chips = page.getByRole('group', { name: 'Mostrar' });
    await chips.getByRole('button', { name: /^Todo/ }).waitFor();

    const all = await shownKinds(page);
    expect(new Set(all)).toEqual(new Set(['conversation', 'note', 'event']));
    // Each chip counts its part of the history.
    for (const [label, kind] of [
      ['Conversación', 'conversation'],
      ['Notas internas', 'note'],
      ['Eventos', 'event'],
    ] as const) {
      const count = all.filter((k) => k === kind).length;
      const chip = chips.getByRole('button', { name: new RegExp(`^${label}`) });
      await expect.poll(async () => (await chip.textContent())?.replace(/\s+/g, ' ').trim()).toBe(`${label} ${count}`);
    }

    await chips.getByRole('button', { name: /^Notas internas/ }).click();
    expect(await chips.getByRole('button', { name: /^Notas internas/ }).getAttribute('aria-pressed')).toBe('true');
    expect(await shownKinds(page)).toEqual(['note', 'note']);
    const notes = await page.locator('ol.timeline > li:not([hidden])').allInnerTexts();
    expect(notes.every((t) => t.includes('Interna: el ciudadano no la ve'))).toBe(true);
    expect(notes.join('\n')).toContain('Revisar si es de la red estatal');
    expect(notes.join('\n')).toContain('Responsable → Encargado');

    await chips.getByRole('button', { name: /^Conversación/ }).click();
    const conversation = await page.locator('ol.timeline > li:not([hidden])').allInnerTexts();
    expect(await shownKinds(page)).toEqual(conversation.map(() => 'conversation'));
    expect(conversation[0]).toContain('Ciudadano → Ventanilla');
    expect(conversation.at(-1)).toContain('Ventanilla → ciudadano');
    expect(conversation.at(-1)).toContain('Ya enviamos una cuadrilla');
    // Each line carries its icon.
    expect(await page.locator('ol.timeline > li:not([hidden]) svg.icon-conversation').count()).toBe(conversation.length);

    await chips.getByRole('button', { name: /^Eventos/ }).click();
    expect(new Set(await shownKinds(page))).toEqual(new Set(['event']));

    // A note added elsewhere reaches the open page; the chosen part stays chosen.
    await chips.getByRole('button', { name: /^Notas internas/ }).click();
    await page.screenshot({ path: `${SCREENSHOTS}console-timeline.png`, fullPage: true });
    await act({ kind: 'note', text: 'La cuadrilla va el jueves' });
    await page.locator('ol.timeline > li:not([hidden])', { hasText: 'La cuadrilla va el jueves' }).waitFor();
    expect(await shownKinds(page)).toEqual(['note', 'note', 'note']);
    expect(await chips.getByRole('button', { name: /^Notas internas/ }).getAttribute('aria-pressed')).toBe('true');

    await chips.getByRole('button', { name: /^Todo/ }).click();
    expect((await shownKinds(page)).length).toBe(all.length + 1);
    await page.screenshot({ path: `${SCREENSHOTS}console-timeline-all.png`, fullPage: true });
    // The forms' buttons say what they do; and the Responsable, who passed the case on, is offered only what anyone may add.
    const buttons = await page.locator('details.action button[type=submit]').allTextContents();
    expect(buttons.sort()).toEqual(['Agregar nota interna', 'Pedir llamada']);
    expect(problems).toEqual([]);
  }, 90_000);

  it('opens a phone case with the configured registration fields and "sin contacto", and shows them to the operator side', async () => {
    const { page, problems } = await watchedPage();
    await signIn(page, ADMIN.email, ADMIN.password);
    await followNav(page, 'Abrir caso');
    await page.getByLabel('Descripción').fill('Llamó desde un teléfono público: luminaria apagada en la plaza');
    await page.getByLabel('Nombre', { exact: true }).fill('Pedro Sánchez');
    await page.getByLabel('Fecha de nacimiento').fill('1958-04-21');
    await page.getByLabel('Sexo').selectOption('hombre');
    await page.getByLabel('Lugar de nacimiento').fill('Tlaxcala');
    await page.getByLabel('Domicilio').fill('Calle Zaragoza 8, Centro');
    // No contact and no tick: refused with a clear message.
    await page.getByRole('button', { name: 'Abrir caso' }).click();
    await page.getByRole('alert').filter({ hasText: 'Indique un teléfono o un correo del ciudadano, o marque «Sin contacto».' }).waitFor();
    await page.getByLabel('Sin contacto').check();
    await page.getByRole('button', { name: 'Abrir caso' }).click();
    await page.getByRole('status').filter({ hasText: 'abierto' }).getByRole('link').click();
    const citizen = page.locator('section', { has: page.getByRole('heading', { name: 'Ciudadano', exact: true }) });
    await citizen.getByText('Tlaxcala').waitFor();
    const facts = await citizen.innerText();
    expect(facts).toContain('Hombre');
    expect(facts).toContain('Calle Zaragoza 8, Centro');
    expect(facts).toContain('1958');
    expect(problems).toEqual([]);
  }, 90_000);
});
