import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshotFolder, followNav } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { actOnCase } from '../../src/cases/actions.js';
import { OpenOnBehalfInput, openCaseOnBehalf } from '../../src/cases/open-on-behalf.js';
import { departments, labelledExamples, staffUsers } from '../../src/db/schema.js';
import { FOLLOW_UPS } from '../../src/server/app.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

// The README's pictures are refreshed on request (UPDATE_SCREENSHOTS=1); other runs still take them, in a temporary folder, so a test run leaves the tree clean.
const SCREENSHOTS = screenshotFolder();
const PASSWORD = 'clave-segura-123';

let app: TestApp;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

async function addStaff(email: string, name: string, role: (typeof staffUsers.$inferInsert)['role'], departmentCode?: string) {
  const [dept] = departmentCode
    ? await app.database.db.select().from(departments).where(eq(departments.code, departmentCode))
    : [undefined];
  await app.database.db
    .insert(staffUsers)
    .values({ email, name, role, departmentId: dept?.id ?? null, passwordHash: await hashPassword(PASSWORD) });
}

async function newPage(width = 1280, height = 800): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return page;
}

/** The citizen's side: the real chat page, one message at a time, waiting for the server's answer. */
async function citizenSays(page: Page, text: string) {
  await page.fill('#input', text);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/messages') && r.request().method() === 'POST'),
    page.click('#send'),
  ]);
  return (await response.json()) as { messages: Array<{ text: string; author: string }> };
}

async function staffLogin(email: string): Promise<Page> {
  const page = await newPage();
  await page.goto(`${base}/console`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(PASSWORD);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
  return page;
}

/** Opens the form under `summary`, fills it and presses its button, which says what it does (`button`), not "Guardar". */
async function runAction(page: Page, summary: string, button: string, fill: (form: ReturnType<Page['locator']>) => Promise<void>) {
  const details = page.locator('details.action', { has: page.locator('summary', { hasText: summary }) });
  await details.locator('summary').click();
  const form = details.locator('form');
  await fill(form);
  await form.getByRole('button', { name: button, exact: true }).click();
  await page.locator('#flash .notice.ok').waitFor();
}

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date() });
  await addStaff('responsable@muni.test', 'Rosa Responsable', 'responsable', 'obras-publicas');
  await addStaff('encargado@muni.test', 'Enrique Encargado', 'encargado', 'obras-publicas');
  await addStaff('experto@muni.test', 'Eva Experta', 'experto', 'obras-publicas');
  await addStaff('operador@muni.test', 'Óscar Operador', 'operador');
  base = await app.app.listen({ host: '127.0.0.1', port: 0 });
  await app.start();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.close();
});

describe(`the staff console in Chromium (${databaseKind})`, () => {
  it('takes a web chat case from receipt through the department levels to a final answer the citizen reads in the chat', async () => {
    const citizen = await newPage(420, 800);
    await citizen.goto(`${base}/chat`);
    await citizen.locator('#input').waitFor();
    await citizenSays(citizen, 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
    await citizenSays(citizen, 'Juan Pérez 5512345678');
    await citizenSays(citizen, 'omitir');
    const done = await citizenSays(citizen, 'sí');
    const folio = /AC-\d{4}-\d{6}/.exec(done.messages.map((m) => m.text).join(' '))![0];

    // Older cases share the tray: one opened by phone 40 days ago (overdue), one received 5 days ago.
    const [rosaRow] = await app.database.db.select().from(staffUsers).where(eq(staffUsers.email, 'responsable@muni.test'));
    const rosaStaff = {
      id: rosaRow!.id,
      email: rosaRow!.email,
      name: rosaRow!.name,
      role: rosaRow!.role,
      departmentId: rosaRow!.departmentId,
    };
    const settings = { folioPrefix: 'AC', defaultDueDays: 30, timeZone: 'America/Mexico_City' };
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    await openCaseOnBehalf(
      app.database.db,
      rosaStaff,
      OpenOnBehalfInput.parse({
        channel: 'telefono',
        type: 'queja',
        category: 'baches-pavimento',
        description: 'Banqueta rota en la calle Allende 45',
        name: 'Luis Gómez',
        phone: '5522223333',
      }),
      settings,
      daysAgo(40),
    );
    const received = await openCaseOnBehalf(
      app.database.db,
      rosaStaff,
      OpenOnBehalfInput.parse({
        channel: 'presencial',
        type: 'reporte',
        category: 'baches-pavimento',
        description: 'Hundimiento en avenida Juárez',
        name: 'Carmen Díaz',
        noContact: true,
      }),
      settings,
      daysAgo(5),
    );
    await actOnCase(app.database.db, rosaStaff, received.case.id, { kind: 'receive' }, daysAgo(4), 'es');

    // Responsable: the case waits, not yet received, in the department's tray.
    const rosa = await staffLogin('responsable@muni.test');
    const row = rosa.locator('tr', { hasText: folio });
    // The tray's rows arrive after the page: wait for them (a machine under load is slower), then check.
    await row.getByText('Sin recepcionar').waitFor({ state: 'visible' });
    await expect(row.getByText('Sin recepcionar').isVisible()).resolves.toBe(true);
    await expect(
      rosa
        .locator('tr.overdue', { hasText: 'Luis Gómez' })
        .getByText(/vencido hace 10 d/)
        .isVisible(),
    ).resolves.toBe(true);
    await rosa.screenshot({ path: `${SCREENSHOTS}console-tray.png` });
    await row.getByRole('link', { name: folio }).click();
    await rosa.getByRole('button', { name: 'Recepcionar' }).click();
    await rosa.locator('summary', { hasText: 'Derivar dentro de la dependencia' }).waitFor();
    // The legal clock: the one extension, told to the citizen, then shown as used.
    await expect.poll(() => rosa.locator('section[aria-labelledby=deadline-title]').innerText()).toContain('disponible una vez');
    await runAction(rosa, 'Prórroga (ampliar el plazo una vez)', 'Ampliar plazo', async (form) =>
      form.getByLabel('Motivo').fill('Se espera material de bacheo'),
    );
    await expect.poll(() => rosa.locator('section[aria-labelledby=deadline-title]').innerText()).toContain('Se espera material de bacheo');
    await runAction(rosa, 'Derivar dentro de la dependencia', 'Derivar', async (form) => {
      await form.getByLabel('Persona (opcional)').selectOption({ label: 'Enrique Encargado (Encargado)' });
      await form.getByLabel('Nota').fill('Para la cuadrilla de bacheo');
    });
    const caseUrl = rosa.url();

    const enrique = await staffLogin('encargado@muni.test');
    await enrique.goto(caseUrl);
    // The Encargado may send it down or back up: the way is chosen, never preselected.
    await runAction(enrique, 'Derivar dentro de la dependencia', 'Derivar', async (form) => {
      await form.getByLabel('Hacia').selectOption('experto');
      await form.getByLabel('Nota').fill('Necesito dictamen técnico');
    });
    const eva = await staffLogin('experto@muni.test');
    await eva.goto(caseUrl);
    await runAction(eva, 'Derivar dentro de la dependencia', 'Derivar', async (form) =>
      form.getByLabel('Nota').fill('Dictamen: bacheo con mezcla en caliente'),
    );
    await enrique.reload();
    await runAction(enrique, 'Reclasificar', 'Reclasificar', async (form) => {
      await form.getByLabel('Tipo').selectOption('queja');
      await form.getByLabel('Motivo').fill('El ciudadano se queja de que lleva meses así');
    });
    await runAction(enrique, 'Nota interna', 'Agregar nota interna', async (form) =>
      form.getByLabel('Texto').fill('Programado para el martes'),
    );
    await enrique.screenshot({ path: `${SCREENSHOTS}console-case.png`, fullPage: true });
    await runAction(enrique, 'Cerrar con respuesta final', 'Cerrar caso', async (form) =>
      form.getByLabel('Respuesta final').fill('El bache quedó reparado el martes. Gracias por avisar.'),
    );
    await enrique.getByText('Caso cerrado: solo se pueden agregar notas internas.').waitFor();

    const timeline = await enrique.locator('ol.timeline').innerText();
    for (const step of [
      'Recepcionado',
      'Responsable → Encargado',
      'Encargado → Experto',
      'Experto → Encargado',
      'Reporte → Queja',
      'Cerrado con respuesta final',
    ])
      expect(timeline).toContain(step);

    // The citizen's open chat page receives the answer over its socket.
    await citizen.locator('#log', { hasText: 'El bache quedó reparado el martes' }).waitFor();

    // A tablet-sized window shows the same page without sideways scrolling.
    await enrique.setViewportSize({ width: 768, height: 1024 });
    expect(await enrique.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  }, 180_000);

  it('lets an operator take over an escalated web chat; the citizen gets the reply and the bot stays silent', async () => {
    const citizen = await newPage(420, 800);
    await citizen.goto(`${base}/chat`);
    await citizen.locator('#input').waitFor();
    await citizenSays(citizen, 'quiero hablar con una persona');

    const oscar = await staffLogin('operador@muni.test');
    await followNav(oscar, 'Conversaciones');
    await oscar.locator('ul.conv-list a').first().click();
    await oscar.getByRole('button', { name: 'Tomar la conversación' }).click();
    await oscar.getByLabel('Respuesta').fill('Buenos días, le atiende Óscar. ¿En qué le ayudo?');
    await oscar.getByRole('button', { name: 'Enviar' }).click();
    await citizen.locator('#log', { hasText: 'le atiende Óscar' }).waitFor();

    const answer = await citizenSays(citizen, 'Es por la basura que no pasan a recoger');
    expect(answer.messages).toEqual([]);
    // The operator sees the citizen's message arrive without reloading.
    await oscar.locator('ol.timeline', { hasText: 'la basura que no pasan' }).waitFor();
    await oscar.screenshot({ path: `${SCREENSHOTS}console-conversations.png` });
    await oscar.getByRole('button', { name: 'Devolver al bot' }).click();
    await oscar.getByText('No hay conversaciones que esperen a una persona.').waitFor();
  }, 120_000);

  it('works on a tablet: an admin opens a case for a caller and adds a staff member without sideways scrolling', async () => {
    const admin = await newPage(768, 1024);
    await admin.goto(`${base}/console`);
    await admin.getByLabel('Correo electrónico').fill(ADMIN.email);
    await admin.getByLabel('Contraseña').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Entrar' }).click();
    await admin.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
    const fitsWidth = async () => expect(await admin.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await fitsWidth();

    await followNav(admin, 'Abrir caso');
    await admin.getByLabel('Canal').selectOption('telefono');
    await admin.getByLabel('Categoría').selectOption({ label: 'Alumbrado público' });
    await admin.getByLabel('Descripción').fill('Llamó: la luminaria de la esquina de Reforma y 5 de Mayo no enciende');
    await admin.getByLabel('Nombre').fill('Marta Ruiz');
    await admin.getByLabel('Teléfono', { exact: true }).fill('55 3333 4444');
    await admin.getByRole('button', { name: 'Abrir caso' }).click();
    const created = await admin.getByRole('status').filter({ hasText: 'abierto' }).innerText();
    const folio = /AC-\d{4}-\d{6}/.exec(created)![0];
    await fitsWidth();
    await followNav(admin, 'Bandeja');
    await admin.locator('tr', { hasText: folio }).getByText('Sin recepcionar').waitFor();

    await followNav(admin, 'Personal');
    const form = admin.locator('form', { has: admin.getByRole('heading', { name: 'Agregar' }) });
    await form.getByLabel('Nombre', { exact: true }).fill('Lucía Operadora');
    await form.getByLabel('Correo', { exact: true }).fill('lucia@muni.test');
    await form.getByLabel('Rol').selectOption('operador');
    await form.getByLabel('Contraseña').fill('una-clave-bastante-larga');
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await admin.locator('td', { hasText: 'lucia@muni.test' }).waitFor();
    await fitsWidth();
    await admin.screenshot({ path: `${SCREENSHOTS}console-admin-tablet.png`, fullPage: true });
  }, 120_000);
  it('lets an admin review the type a citizen picked when the classifier was unsure, and shows the attention log as charts', async () => {
    const citizen = await newPage(420, 800);
    await citizen.goto(`${base}/chat`);
    await citizen.locator('#input').waitFor();
    const unsure = await citizenSays(citizen, 'quiero comentarles algo del parque');
    expect(unsure.messages.at(-1)!.text).toMatch(/tipo|qué/i);
    await citizen.getByRole('button', { name: 'Sugerencia' }).click();

    const admin = await newPage();
    await admin.goto(`${base}/console`);
    await admin.getByLabel('Correo electrónico').fill(ADMIN.email);
    await admin.getByLabel('Contraseña').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Entrar' }).click();
    await admin.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();

    await followNav(admin, 'Ejemplos');
    const row = admin.locator('tr', { hasText: 'quiero comentarles algo del parque' });
    await row.locator('strong', { hasText: 'Sugerencia' }).waitFor();
    await row.getByRole('button', { name: 'Aceptar' }).click();
    await admin.getByText('No hay ejemplos en esta lista.').waitFor();
    const [example] = await app.database.db.select().from(labelledExamples);
    expect(example).toMatchObject({ chosen: 'sugerencia', review: 'accepted' });

    await followNav(admin, 'Atención');
    const byChannel = admin.locator('#dash-by-channel');
    await byChannel.locator('tbody th', { hasText: 'Chat web' }).waitFor();
    // The chart beside the table is drawn: Chart.js has sized its canvas.
    await expect.poll(() => byChannel.locator('canvas').evaluate((c) => (c as { width: number }).width)).toBeGreaterThan(0);
    await admin.screenshot({ path: `${SCREENSHOTS}console-attention.png`, fullPage: true });
  }, 120_000);
  it('lists call-backs with their next action and logs an outcome with one click', async () => {
    const admin = await newPage();
    await admin.goto(`${base}/console`);
    await admin.getByLabel('Correo electrónico').fill(ADMIN.email);
    await admin.getByLabel('Contraseña').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Entrar' }).click();
    await admin.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
    await followNav(admin, 'Abrir caso');
    await admin.getByLabel('Descripción').fill('Comentario en Facebook: fuga de agua en la calle Juárez 8');
    await admin.getByLabel('Nombre', { exact: true }).fill('Tomás Rivera');
    await admin.getByLabel('Teléfono', { exact: true }).fill('55 4444 5555');
    await admin.getByRole('button', { name: 'Abrir caso' }).click();
    await admin.getByRole('link', { name: /^AC-/ }).last().click();
    await runAction(admin, 'Requiere llamada', 'Pedir llamada', async (form) =>
      form.getByLabel('Motivo').fill('Confirmar el número exterior'),
    );
    await admin.getByText('Requiere llamada: llamar').waitFor();

    await followNav(admin, 'Llamadas');
    const row = admin.locator('tr', { hasText: 'Tomás Rivera' });
    await row.getByRole('button', { name: 'Buzón de voz' }).click();
    await admin.getByText('Primer buzón: deja ahora un mensaje de voz con el folio.').waitFor();
    expect(await row.innerText()).toContain('1');
    await admin.screenshot({ path: `${SCREENSHOTS}console-callbacks.png`, fullPage: true });

    // Issue 18: with no SMS gateway, the third failed call leaves the SMS to the operator, who marks it sent.
    for (let i = 0; i < 2; i++) {
      await row.getByRole('button', { name: 'Sin respuesta / fuera de área' }).click();
      await admin.locator('#flash', { hasText: 'Registrado.' }).waitFor();
    }
    await admin.getByText('Registrado. Siguiente acción: enviar SMS o mensaje pidiendo que llame.').waitFor();
    // The rule runs (here, or already by the running queue), finds no way to write to the citizen and leaves the SMS to the operator.
    await app.queue.runDue(FOLLOW_UPS);
    await followNav(admin, 'Bandeja');
    await followNav(admin, 'Llamadas');
    await expect.poll(() => row.getByRole('button', { name: 'SMS enviado' }).count()).toBe(1);
    await admin.getByRole('link', { name: 'Descargar Excel' }).waitFor();
    await admin.screenshot({ path: `${SCREENSHOTS}console-callbacks-sms.png`, fullPage: true });
    await row.getByRole('button', { name: 'SMS enviado' }).click();
    await admin.getByText('Registrado: el SMS se envió a mano.').waitFor();
    await expect.poll(() => admin.locator('tr', { hasText: 'Tomás Rivera' }).count()).toBe(0);
  }, 120_000);
});
