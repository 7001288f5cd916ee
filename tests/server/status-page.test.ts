import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLongDate } from '../../src/cases/follow-up/dates.js';
import { cases } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { DELIVERIES, FOLLOW_UPS } from '../../src/server/app.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { mailInbound } from '../helpers/inbound.js';
import { databaseKind } from '../helpers/database.js';

// The public status page of a folio: what it shows, what it never shows, how it reads folios,
// its limit on look-ups, and the links to it in the bot's, the mails' and the notices' messages.

const CITIZEN = {
  name: 'Rosalba Quintero Yáñez',
  phone: '644 123 9876',
  email: 'rosalba.quintero@correo.test',
  home: 'Calle Jacarandas 88, colonia Bugambilias',
  place: 'Privada Las Palmas 1437',
  description: 'El vecino de la casa azul tira basura en la banqueta; yo, Rosalba, ya le pedí que no lo haga',
};
const NOTE = 'Nota interna: el inspector Godínez conoce al vecino';
const ANSWER = 'Estimada Rosalba Quintero: se multó al vecino de Privada Las Palmas 1437.';
const PERSONAL = [
  CITIZEN.name,
  'Rosalba',
  'Quintero',
  CITIZEN.phone,
  '6441239876',
  '9876',
  CITIZEN.email,
  'correo.test',
  CITIZEN.home,
  'Jacarandas',
  'Bugambilias',
  CITIZEN.place,
  'Las Palmas',
  '1437',
  CITIZEN.description,
  'casa azul',
  'banqueta',
  NOTE,
  'Godínez',
  'multó',
  'Administración',
  ADMIN.email,
];
const REPORT = ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'Juan Pérez', '55 1234 5678', 'omitir', 'sí'];

async function staffOf(app: TestApp) {
  const login = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
  const headers = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
  const act = async (caseId: number, action: object) => {
    const res = await app.app.inject({ method: 'POST', url: `/api/staff/cases/${caseId}/actions`, payload: action, headers });
    expect(res.statusCode, res.body).toBe(200);
    await app.queue.runDue(FOLLOW_UPS);
    await app.queue.runDue(DELIVERIES);
  };
  const open = async (payload: object) => {
    const res = await app.app.inject({ method: 'POST', url: '/api/staff/cases', payload, headers });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { case: { id: number; folio: string } }).case;
  };
  return { act, open };
}

/** The web chat's example report, told by one citizen: the bot's replies and the case it opened. */
async function reportInChat(app: TestApp, who: string) {
  let conversationId = '';
  const replies: string[] = [];
  for (const [i, text] of REPORT.entries()) {
    const result = await app.conversations.receive(
      InboundMessage.parse({
        channel: 'web',
        channelUserId: who,
        conversationKey: who,
        externalId: `${who}-${i}`,
        text,
        receivedAt: OFFICE_HOURS_NOW,
      }),
    );
    conversationId = result.conversationId;
    replies.push(...result.replies.map((r) => r.text));
  }
  const [row] = await app.database.db.select().from(cases).where(eq(cases.conversationId, conversationId));
  return { replies, caseRow: row!, conversationId };
}

const outTexts = async (app: TestApp, conversationId: string) =>
  (await app.conversations.history(conversationId)).filter((m) => m.direction === 'out').map((m) => m.text);

describe(`the public status page, on ${databaseKind}`, () => {
  let app: TestApp;
  let staff: Awaited<ReturnType<typeof staffOf>>;
  let complaint: { id: number; folio: string };
  const get = (url: string) => app.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    app = await createTestApp({ env: { CITIZEN_REGISTRATION_FIELDS: 'address', STATUS_PAGE_LOOKUPS_PER_MINUTE: '1000' } });
    staff = await staffOf(app);
    complaint = await staff.open({
      channel: 'telefono',
      type: 'queja',
      category: 'baches-pavimento',
      description: CITIZEN.description,
      address: CITIZEN.place,
      name: CITIZEN.name,
      phone: CITIZEN.phone,
      email: CITIZEN.email,
      registration: { address: CITIZEN.home },
    });
  });
  afterAll(async () => app?.close());

  it('shows a form that submits the folio by GET to /estado', async () => {
    const res = await get('/estado');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html lang="es">');
    expect(res.body).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    expect(res.body).toContain('Municipio de Prueba');
    expect(res.body).toMatch(/<form class="lookup" method="get" action="\/estado"/);
    expect(res.body).toContain('<label for="folio">Folio</label>');
    expect(res.body).toContain('<input id="folio" name="folio"');
    expect(res.body).toContain('Escriba el folio que recibió');
    expect(res.body).toContain('Por ejemplo: AC-2026-000123');
    expect((await get('/estado/')).headers.location).toBe('/estado');
  });

  it('shows a case’s status in the bot’s words, its department and its dates', async () => {
    const res = await get(`/estado/${complaint.folio}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const html = res.body;
    expect(html).toContain(`<h1>Folio ${complaint.folio}</h1>`);
    expect(html).toContain('Recibido, en espera de asignación'); // the script's statusLabels, as «estado <folio>» answers
    expect(html).toContain('Dirección de Obras Públicas lo atenderá.');
    expect(html).toContain('<dt>Tipo</dt><dd>Queja o reclamo</dd>');
    expect(html).toContain('<dt>Tema</dt><dd>Baches y pavimento</dd>');
    expect(html).toContain('<dt>Área responsable</dt><dd>Dirección de Obras Públicas</dd>');
    expect(html).toContain('<dt>Registro</dt><dd><time datetime="2026-03-10">10 de marzo de 2026</time></dd>');
    const [row] = await app.database.db.select({ dueAt: cases.dueAt }).from(cases).where(eq(cases.id, complaint.id));
    const due = formatLongDate(new Date(row!.dueAt.getTime() - 1), 'America/Mexico_City', 'es');
    expect(html).toMatch(new RegExp(`<dt>Fecha límite de respuesta</dt><dd><time datetime="[\\d-]+">${due}</time></dd>`));
    expect(html).not.toContain('<dt>Cierre</dt>');
    expect(html).not.toContain('Recibido por el área');
  });

  it('reads the folio as citizens write it, and redirects the form to the folio’s own address', async () => {
    const seq = String(Number(complaint.folio.slice(-6)));
    const canonical = `/estado/${complaint.folio}`;
    for (const typed of [
      complaint.folio.toLowerCase(),
      `ac 2026 ${seq}`,
      `AC2026${complaint.folio.slice(-6)}`,
      `2026-${seq}`,
      ` AC-2026-${seq} `,
    ]) {
      const res = await get(`/estado?folio=${encodeURIComponent(typed)}`);
      expect(res.statusCode, typed).toBe(303);
      expect(res.headers.location, typed).toBe(canonical);
    }
    for (const typed of [complaint.folio.toLowerCase(), `ac2026${seq}`, `2026-${seq}`]) {
      const res = await get(`/estado/${encodeURIComponent(typed)}`);
      expect(res.statusCode, typed).toBe(301);
      expect(res.headers.location, typed).toBe(canonical);
    }
    expect((await get(canonical)).statusCode).toBe(200);
    // Submitted empty, the form is shown again.
    expect((await get('/estado?folio=')).statusCode).toBe(200);
  });

  it('answers an unknown folio and a text that is no folio with the same 404 page', async () => {
    const unknown = await get('/estado/AC-2026-999999');
    const typedUnknown = await get(`/estado?folio=${encodeURIComponent('AC-2025-000001')}`);
    const noFolio = await get(`/estado?folio=${encodeURIComponent('hola, ¿cómo va mi bache?')}`);
    const otherPrefix = await get('/estado/ZZ-2026-000001');
    const longJunk = await get(`/estado/${'1'.repeat(60)}`);
    for (const res of [unknown, noFolio, otherPrefix, longJunk]) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<h1>Folio no encontrado</h1>');
      expect(res.body).toContain('<form class="lookup"');
      // The page tells nothing of the folio asked for, so it is the same whatever was typed.
      expect(res.body).toBe(unknown.body);
    }
    // A well-formed folio is looked up at its address, where it gets the same 404.
    expect(typedUnknown.statusCode).toBe(303);
    expect((await get(typedUnknown.headers.location as string)).body).toBe(unknown.body);
  });

  it('never shows anything personal: not the citizen, the place, the description, staff, notes or the answer', async () => {
    const open = (await get(`/estado/${complaint.folio}`)).body;
    await staff.act(complaint.id, { kind: 'receive' });
    await staff.act(complaint.id, { kind: 'note', text: NOTE });
    await staff.act(complaint.id, { kind: 'status', status: 'en_seguimiento', note: NOTE });
    const inProgress = (await get(`/estado/${complaint.folio}`)).body;
    expect(inProgress).toContain('En atención');
    expect(inProgress).toContain('<dt>Recibido por el área</dt>');
    await staff.act(complaint.id, { kind: 'close', answer: ANSWER });
    const closed = await get(`/estado/${complaint.folio}`);
    for (const [stage, html] of [
      ['open', open],
      ['in progress', inProgress],
      ['closed', closed.body],
    ] as const)
      for (const personal of PERSONAL) expect(html, `the ${stage} page shows «${personal}»`).not.toContain(personal);

    // Closed: the date, and that the answer was given (not what it said).
    expect(closed.body).toContain('Cerrado con respuesta');
    expect(closed.body).toContain('Dirección de Obras Públicas dio una respuesta final.');
    expect(closed.body).toContain('<dt>Cierre</dt><dd><time datetime="2026-03-10">10 de marzo de 2026</time></dd>');
    expect(closed.body).toContain('no se publica aquí porque podría contener datos personales');
  });

  it('runs no script and no inline style, under its own strict policy', async () => {
    for (const url of ['/estado', `/estado/${complaint.folio}`, '/estado/AC-2026-999999']) {
      const res = await get(url);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'none'");
      expect(csp, url).toContain("style-src 'self'");
      expect(csp, url).not.toContain('unsafe-inline');
      expect(csp, url).not.toContain('script-src');
      expect(res.body, url).not.toMatch(/<script|<style|\sstyle=|\son\w+=/i);
      expect(res.body, url).toContain('<link rel="stylesheet" href="/estado/estado.css">');
    }
    const css = await get('/estado/estado.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body).toContain('font');
  });

  it('gives the bot’s folio reply and the notices no link without PUBLIC_URL', async () => {
    const { replies, caseRow, conversationId } = await reportInChat(app, 'vecino-sin-enlace');
    expect(replies.join('\n')).toContain(caseRow.folio);
    await staff.act(caseRow.id, { kind: 'receive' });
    const texts = await outTexts(app, conversationId);
    expect(texts.some((text) => text.includes('ya fue recibido'))).toBe(true);
    expect(texts.join('\n')).not.toContain('/estado');
    expect(texts.join('\n')).not.toContain('localhost');
  });
});

describe(`the status page’s limit on look-ups, on ${databaseKind}`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { STATUS_PAGE_LOOKUPS_PER_MINUTE: '3' } });
  });
  afterAll(async () => app?.close());

  it('answers 429 with a page in Spanish once an address looked up too many folios in a minute', async () => {
    const get = (url: string, ip = '203.0.113.7') => app.app.inject({ method: 'GET', url, remoteAddress: ip });
    for (let n = 1; n <= 3; n++) expect((await get(`/estado/AC-2026-${String(n).padStart(6, '0')}`)).statusCode).toBe(404);
    const refused = await get('/estado/AC-2026-000004');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('text/html');
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body).toContain('<h1>Demasiadas consultas</h1>');
    expect(refused.body).toContain('Espere un minuto');
    expect(String(refused.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(String(refused.headers['content-security-policy'])).not.toContain('unsafe-inline');
    // Another address, and the form itself (which looks nothing up), are not held back.
    expect((await get('/estado/AC-2026-000004', '203.0.113.8')).statusCode).toBe(404);
    expect((await get('/estado')).statusCode).toBe(200);
  });
});

describe(`the status page in English and the links to it, on ${databaseKind}`, () => {
  it('speaks English with LOCALE=en', async () => {
    const app = await createTestApp({ env: { LOCALE: 'en' } });
    try {
      const { caseRow } = await reportInChat(app, 'english-neighbour');
      const form = await app.app.inject({ method: 'GET', url: '/estado' });
      expect(form.body).toContain('<html lang="en">');
      expect(form.body).toContain('<label for="folio">Case number</label>');
      const page = await app.app.inject({ method: 'GET', url: `/estado/${caseRow.folio}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`<h1>Case ${caseRow.folio}</h1>`);
      expect(page.body).toContain('Received and waiting to be assigned');
      expect(page.body).toContain('<dt>Responsible office</dt>');
      expect(page.body).toContain('<time datetime="2026-03-10">March 10, 2026</time>');
      expect(page.body).not.toMatch(/Folio no encontrado|Área responsable|Fecha límite/);
      const missing = await app.app.inject({ method: 'GET', url: '/estado/AC-2026-999999' });
      expect(missing.statusCode).toBe(404);
      expect(missing.body).toContain('<h1>Case not found</h1>');
    } finally {
      await app.close();
    }
  });

  it('links the bot’s folio reply, the notices and the final answer to the page when PUBLIC_URL is set', async () => {
    const app = await createTestApp({ env: { PUBLIC_URL: 'https://atencion.municipio.example/' } });
    try {
      const staff = await staffOf(app);
      const { replies, caseRow, conversationId } = await reportInChat(app, 'vecina-con-enlace');
      const link = `https://atencion.municipio.example/estado/${caseRow.folio}`;
      const opened = replies.find((text) => text.includes('Registré su'));
      expect(opened).toContain(`También puede verlo en ${link}`);
      const asked = await app.conversations.receive(
        InboundMessage.parse({
          channel: 'web',
          channelUserId: 'vecina-con-enlace',
          conversationKey: 'vecina-con-enlace',
          externalId: 'vecina-con-enlace-status',
          text: `estado ${caseRow.folio}`,
          receivedAt: OFFICE_HOURS_NOW,
        }),
      );
      expect(asked.replies.map((r) => r.text).join('\n')).toContain(link);

      await staff.act(caseRow.id, { kind: 'receive' });
      await staff.act(caseRow.id, { kind: 'close', answer: 'Se tapó el bache.' });
      const texts = await outTexts(app, conversationId);
      const notice = texts.find((text) => text.includes('ya fue recibido'));
      expect(notice).toContain(`Puede ver cómo va en ${link}`);
      const answer = texts.find((text) => text.includes('Se tapó el bache.'));
      expect(answer).toContain(link);
      // The survey's question is not a notice about the case's progress.
      expect(texts.find((text) => text.includes('¿Se resolvió'))).not.toContain('/estado');
      expect((await app.app.inject({ method: 'GET', url: `/estado/${caseRow.folio}` })).statusCode).toBe(200);

      // The mail that answers a new case with its folio links to it too.
      const mailed = await app.conversations.receive(
        mailInbound({
          from: 'lucia@correo.example',
          externalId: '<reporte-1@correo.example>',
          receivedAt: OFFICE_HOURS_NOW,
          senderName: 'Lucía Gómez',
          subject: 'Bache en la calle Morelos',
          text: 'Hay un bache enorme frente a la escuela de la calle Morelos 45, colonia Centro.\n\nLucía Gómez',
        }),
      );
      const mail = mailed.replies.map((r) => r.text).join('\n');
      const mailFolio = /AC-2026-\d{6}/.exec(mail)?.[0];
      expect(mailFolio).toBeDefined();
      expect(mail).toContain(`Puede ver cómo va en https://atencion.municipio.example/estado/${mailFolio}`);
    } finally {
      await app.close();
    }
  });
});
