import { DELIVERIES } from '../../../src/server/app.js';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emailChannel } from '../../../src/channels/email/index.js';
import { readChannelState, writeChannelState } from '../../../src/db/channel-state.js';
import { queryRows, type Database } from '../../../src/db/client.js';
import { attachments, caseEvents, cases, citizens, conversations, messages } from '../../../src/db/schema.js';
import { enqueueOutbound } from '../../../src/outbox/enqueue.js';
import { DeliveryRefused } from '../../../src/messages/delivery.js';
import { createMailer } from '../../../src/channels/email/client.js';
import { loadConfig } from '../../../src/config.js';
import { advancingClock, createTestApp, type TestApp } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/database.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../../helpers/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../helpers/smtp-receiver.js';
import { Mailbox, messageId, plainMail, rawMail, waitUntil } from './mailbox.js';

/** The departments' liaisons get routing sheets (issue 8); these tests are about the citizen's mail. */
const LIAISONS = /^enlace\./;
const OUR_ADDRESS = 'atencion@municipio.example';

let dovecot: Dovecot;
let smtp: SmtpReceiver;
let mailbox: Mailbox;
let database: Database;
const apps: TestApp[] = [];

beforeAll(async () => {
  if (!dovecotAvailable()) throw new Error('Dovecot is not installed (Debian: dovecot-imapd); scripts/test-all.sh installs it');
  dovecot = await startDovecot();
  smtp = await startSmtpReceiver({ ignoreRecipients: LIAISONS });
  mailbox = new Mailbox(dovecot);
});
afterAll(async () => {
  await smtp?.stop();
  await dovecot?.destroy();
});
beforeEach(async () => {
  await mailbox.empty();
  smtp.mails.length = 0;
  smtp.refuse.clear();
  database = await createTestDatabase();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await database.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    IMAP_URL: dovecot.url,
    SMTP_URL: smtp.url,
    EMAIL_FROM: `Atención Ciudadana <${OUR_ADDRESS}>`,
    EMAIL_POLL_SECONDS: '0.2',
    OUTBOX_POLL_MS: '100',
    ...extra,
  };
}

async function startApp(extra: Record<string, string> = {}): Promise<TestApp> {
  // Time passes, so an answer that failed comes due again as it would in production.
  const app = await createTestApp({ env: env(extra), channels: [emailChannel], database, now: advancingClock() });
  apps.push(app);
  await app.start();
  return app;
}

const db = () => database.db;
const allCases = () => db().select().from(cases).orderBy(asc(cases.id));
const inboundMessages = () => db().select().from(messages).where(eq(messages.direction, 'in')).orderBy(asc(messages.id));
const caseCount = async (n: number) => ((await allCases()).length >= n ? allCases() : undefined);

describe('the email channel', () => {
  it('turns a plain email into a case and answers in the thread with the folio and what is missing', async () => {
    await startApp();
    const id = messageId();
    await mailbox.deliver(
      plainMail({
        id,
        subject: 'Bache enorme',
        body: 'Buenas tardes,\n\nHay un bache muy grande que ya dañó dos coches, urge que lo tapen.\n\nSaludos\n-- \nMaría López\nTel. oficina 55 0000 0000',
      }),
    );

    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const [reply] = await smtp.waitFor(1);

    expect(opened!.channel).toBe('email');
    expect(opened!.type).toBe('reporte');
    expect(opened!.description).toContain('bache muy grande');
    expect(opened!.description).not.toContain('Tel. oficina');
    const [citizen] = await db().select().from(citizens).where(eq(citizens.id, opened!.citizenId));
    expect(citizen).toMatchObject({ name: 'María López', email: 'maria.lopez@vecinos.example' });

    expect(reply!.to).toEqual(['maria.lopez@vecinos.example']);
    expect(reply!.parsed.subject).toBe(`Re: Bache enorme [${opened!.folio}]`);
    expect(reply!.parsed.inReplyTo).toBe(id);
    expect(reply!.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(reply!.parsed.from?.value[0]?.address).toBe(OUR_ADDRESS);
    expect(reply!.parsed.text).toContain(opened!.folio);
    expect(reply!.parsed.text).toMatch(/dirección o el lugar exacto/);
    expect(reply!.parsed.html).toContain(`<p>Buen día, María López:</p>`);

    // Marked processed only now: flagged and moved out of the inbox.
    await waitUntil(async () => (await mailbox.list('Procesados')).length === 1, 'the move to Procesados');
    expect(await mailbox.list('INBOX')).toEqual([]);
    expect((await mailbox.list('Procesados'))[0]!.flags).toEqual(expect.arrayContaining(['\\Seen', '$Ventanilla']));
    const [out] = await db().select().from(messages).where(eq(messages.direction, 'out'));
    expect(out!.externalId).toBe(reply!.parsed.messageId);
  });

  it('reads an ISO-8859-1 quoted-printable email', async () => {
    await startApp();
    const raw = rawMail(
      {
        From: '=?ISO-8859-1?Q?Jos=E9_Mu=F1oz?= <jose.munoz@vecinos.example>',
        To: OUR_ADDRESS,
        Subject: '=?ISO-8859-1?Q?Basura_sin_recoger_en_la_colonia_Jard=EDn?=',
        'Message-ID': messageId(),
        'MIME-Version': '1.0',
        'Content-Type': 'text/plain; charset=ISO-8859-1',
        'Content-Transfer-Encoding': 'quoted-printable',
      },
      'Se=F1ores del municipio:\n\nHace una semana que el cami=F3n no pasa a recoger la basura en la calle Ca=F1ada 45, colonia Jard=EDn. Los perros rompen las bolsas.\n',
    );
    await mailbox.deliverBytes(Buffer.from(raw, 'latin1'));
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    expect(opened!.description).toContain('Hace una semana que el camión no pasa a recoger la basura');
    expect(opened!.address).toBe('calle Cañada 45, colonia Jardín');
    const [reply] = await smtp.waitFor(1);
    expect(reply!.parsed.subject).toBe(`Re: Basura sin recoger en la colonia Jardín [${opened!.folio}]`);
    expect(reply!.parsed.text).toContain('Buen día, José Muñoz:');
    expect(reply!.parsed.text).not.toContain('dirección o el lugar exacto');
  });

  it('turns an HTML-only email into readable text', async () => {
    await startApp();
    const raw = rawMail(
      {
        From: 'Ana Ruiz <ana@vecinos.example>',
        To: OUR_ADDRESS,
        Subject: 'Luminaria apagada',
        'Message-ID': messageId(),
        'MIME-Version': '1.0',
        'Content-Type': 'text/html; charset=utf-8',
      },
      '<html><head><style>p { color: red }</style></head><body><div><p>Buenas noches:</p><p>La <b>luminaria</b> de la esquina de Av. Juárez y Morelos está apagada desde hace <i>tres</i> días &amp; está muy oscuro.</p><blockquote>cita vieja</blockquote></div></body></html>',
    );
    await mailbox.deliver(raw);
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    expect(opened!.description).toContain(
      'La luminaria de la esquina de Av. Juárez y Morelos está apagada desde hace tres días & está muy oscuro.',
    );
    expect(opened!.description).not.toMatch(/<|color: red|cita vieja/);
    expect(opened!.type).toBe('reporte');
    const [stored] = await inboundMessages();
    expect((stored!.payload as { email: { fullText: string } }).email.fullText).toContain('cita vieja');
  });

  it('stores an image attachment with the case and names the files it refused', async () => {
    await startApp();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const boundary = 'limite-123';
    const raw = rawMail(
      {
        From: 'Luis Pérez <luis@vecinos.example>',
        To: OUR_ADDRESS,
        Subject: 'Fuga de agua',
        'Message-ID': messageId(),
        'MIME-Version': '1.0',
        'Content-Type': `multipart/mixed; boundary="${boundary}"`,
      },
      [
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hay una fuga de agua potable en la calle Allende 12, colonia Centro. Adjunto foto.',
        `--${boundary}`,
        'Content-Type: image/png; name="fuga.png"',
        'Content-Disposition: attachment; filename="fuga.png"',
        'Content-Transfer-Encoding: base64',
        '',
        png.toString('base64'),
        `--${boundary}`,
        'Content-Type: application/octet-stream; name="programa.exe"',
        'Content-Disposition: attachment; filename="programa.exe"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('MZ\x90\x00 no es una foto').toString('base64'),
        `--${boundary}--`,
        '',
      ].join('\n'),
    );
    await mailbox.deliver(raw);
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const files = await db().select().from(attachments);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      caseId: opened!.id,
      kind: 'photo',
      contentType: 'image/png',
      filename: 'fuga.png',
      sizeBytes: png.byteLength,
    });
    expect(Buffer.from(files[0]!.data).equals(png)).toBe(true);
    const [reply] = await smtp.waitFor(1);
    expect(reply!.parsed.text).toContain('No pudimos guardar estos archivos adjuntos: programa.exe.');
    expect(reply!.parsed.text).not.toContain('una foto del problema');
  });

  it('adds a reply threaded by In-Reply-To, and one with the folio in the subject, to the same case', async () => {
    await startApp();
    await mailbox.deliver(plainMail({ subject: 'Bache', body: 'Hay un bache enorme frente a mi casa.' }));
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const [answer] = await smtp.waitFor(1);

    await mailbox.deliver(
      plainMail({
        subject: `Re: Bache [${opened!.folio}]`.replace(`[${opened!.folio}]`, ''),
        body: `Es en la calle Hidalgo 123, colonia Centro.\n\nEl mar, 10 mar 2026 a las 10:00, Atención Ciudadana <${OUR_ADDRESS}> escribió:\n> Recibimos su correo`,
        extra: { 'In-Reply-To': answer!.parsed.messageId!, References: `${answer!.parsed.inReplyTo} ${answer!.parsed.messageId}` },
      }),
    );
    await smtp.waitFor(2);
    await mailbox.deliver(
      plainMail({
        subject: `Otra cosa sobre mi reporte [${opened!.folio}]`,
        body: 'Ya son dos coches dañados. Mi teléfono es 55 1234 5678.',
      }),
    );
    await smtp.waitFor(3);

    expect(await allCases()).toHaveLength(1);
    const [updated] = await allCases();
    expect(updated!.address).toBe('calle Hidalgo 123, colonia Centro');
    const [citizen] = await db().select().from(citizens).where(eq(citizens.id, updated!.citizenId));
    expect(citizen!.phone).toBe('5512345678');
    const inbound = await inboundMessages();
    expect(inbound.map((m) => m.caseId)).toEqual([opened!.id, opened!.id, opened!.id]);
    expect(inbound[1]!.text).toBe('Es en la calle Hidalgo 123, colonia Centro.');
    expect(new Set(inbound.map((m) => m.conversationId)).size).toBe(1);
    const events = await db().select().from(caseEvents).where(eq(caseEvents.caseId, opened!.id)).orderBy(asc(caseEvents.id));
    // The follow-up's own entries (the routing sheet to the department) interleave by timing; this test is about the thread.
    expect(events.map((e) => e.type).filter((type) => type.startsWith('case.'))).toEqual([
      'case.opened',
      'case.message_added',
      'case.address_added',
      'case.message_added',
    ]);

    const followUps = smtp.mails.slice(1);
    expect(followUps.map((m) => m.parsed.subject)).toEqual([
      `Re: Bache [${opened!.folio}]`,
      `Re: Otra cosa sobre mi reporte [${opened!.folio}]`,
    ]);
    expect(followUps[0]!.parsed.text).toContain(`Agregamos su mensaje al folio ${opened!.folio}`);
    expect(followUps[0]!.parsed.text).toContain('Anotamos el lugar: calle Hidalgo 123, colonia Centro.');
    expect(followUps[1]!.parsed.text).not.toContain('Anotamos el lugar');
    expect(followUps[0]!.parsed.references).toContain(answer!.parsed.messageId);
  });

  it('answers a question from the catalogue without a case; "gracias" opens nothing, a reply asking for more opens one', async () => {
    await startApp();
    await mailbox.deliver(plainMail({ subject: 'Predial', body: 'Buenos días, ¿dónde pago el predial y qué necesito llevar?\n\nGracias' }));
    const [sheet] = await smtp.waitFor(1);
    expect(sheet!.parsed.text).toContain('Pago del impuesto predial');
    expect(sheet!.parsed.text).toContain('Requisitos:');
    expect(sheet!.parsed.text).toContain('responda a este correo');
    expect(sheet!.parsed.subject).toBe('Re: Predial');
    expect(await allCases()).toHaveLength(0);

    const inThread = (body: string) =>
      plainMail({ subject: 'Re: Predial', body, extra: { 'In-Reply-To': sheet!.parsed.messageId!, References: sheet!.parsed.messageId! } });
    await mailbox.deliver(inThread('Muchas gracias'));
    await waitUntil(async () => ((await inboundMessages()).length === 2 ? true : undefined), 'the thanks stored');
    await mailbox.deliver(
      inThread('No me queda claro: tengo un adeudo de años anteriores y necesito que alguien revise mi caso, mi cel 55 8765 4321.'),
    );
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const [, folioMail] = await smtp.waitFor(2);

    expect(smtp.mails).toHaveLength(2);
    expect(folioMail!.parsed.subject).toBe(`Re: Predial [${opened!.folio}]`);
    expect(new Set((await inboundMessages()).map((m) => m.conversationId)).size).toBe(1);
    const log = await queryRows<{ kind: string; detail: string | null }>(db(), sql`select kind, detail from attention_log order by id`);
    expect(log.map((row) => `${row.kind}:${row.detail}`)).toEqual(['information_answered:pago-predial', `case_opened:${opened!.type}`]);
  });

  it('asks a sender without a display name for it, and takes it from the reply', async () => {
    await startApp();
    await mailbox.deliver(
      plainMail({
        from: 'pramirez@vecinos.example',
        subject: 'Poda',
        body: 'Sugiero podar los árboles del parque central, tapan las luminarias.',
      }),
    );
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const [answer] = await smtp.waitFor(1);
    expect(answer!.parsed.text).toMatch(/^Buen día:/);
    expect(answer!.parsed.text).toContain('- su nombre completo;');
    await mailbox.deliver(
      plainMail({
        from: 'pramirez@vecinos.example',
        subject: `Re: Poda [${opened!.folio}]`,
        body: 'Me llamo Pedro Ramírez.',
        extra: { 'In-Reply-To': answer!.parsed.messageId! },
      }),
    );
    await smtp.waitFor(2);
    const [citizen] = await db().select().from(citizens).where(eq(citizens.id, opened!.citizenId));
    expect(citizen!.name).toBe('Pedro Ramírez');
    expect(await allCases()).toHaveLength(1);
  });

  it('adds a reply without acknowledging it once a person handles the conversation', async () => {
    await startApp();
    await mailbox.deliver(plainMail({ subject: 'Bache', body: 'Hay un bache enorme en la calle Hidalgo 5.' }));
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    await smtp.waitFor(1);
    await db().update(conversations).set({ status: 'agent' }).where(eq(conversations.id, opened!.conversationId!));
    await mailbox.deliver(plainMail({ subject: `Re: Bache [${opened!.folio}]`, body: '¿Ya vinieron a revisarlo?' }));
    await waitUntil(async () => (await inboundMessages()).length === 2 || undefined, 'the reply stored');
    await new Promise((r) => setTimeout(r, 500));
    expect((await inboundMessages())[1]!.caseId).toBe(opened!.id);
    expect(smtp.mails).toHaveLength(1);
  });

  it('sends a later staff message on the case in the same thread, as a person and not a robot', async () => {
    const _app = await startApp();
    const id = messageId();
    await mailbox.deliver(plainMail({ id, subject: 'Bache', body: 'Hay un bache enorme en la calle Hidalgo 5.' }));
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const [answer] = await smtp.waitFor(1);
    await database.db.transaction((tx) =>
      enqueueOutbound(tx, {
        conversationId: opened!.conversationId!,
        channel: 'email',
        caseId: opened!.id,
        message: { text: 'Una cuadrilla irá el jueves.', author: 'staff' },
      }),
    );
    // No wake-up call: the commit that enqueued the reply tells the queue itself.
    const [, staff] = await smtp.waitFor(2);
    expect(staff!.parsed.subject).toBe(`Re: Bache [${opened!.folio}]`);
    expect(staff!.parsed.inReplyTo).toBe(id);
    expect(staff!.parsed.messageId).not.toBe(answer!.parsed.messageId);
    expect(staff!.parsed.headers.get('auto-submitted')).toBeUndefined();
    expect(staff!.parsed.text?.trim()).toBe('Una cuadrilla irá el jueves.');
  });

  it('does not let a stranger join a case by quoting its folio', async () => {
    await startApp();
    await mailbox.deliver(plainMail({ subject: 'Bache', body: 'Hay un bache enorme en la calle Hidalgo 5.' }));
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    await smtp.waitFor(1);
    await mailbox.deliver(
      plainMail({
        from: 'otra.persona@ejemplo.example',
        subject: `Sobre [${opened!.folio}]`,
        body: 'Quiero saber qué pasó con esto, hay basura tirada.',
      }),
    );
    await waitUntil(() => caseCount(2), 'a second case');
    const [, reply] = await smtp.waitFor(2);
    expect(reply!.to).toEqual(['otra.persona@ejemplo.example']);
    expect((await inboundMessages())[1]!.caseId).not.toBe(opened!.id);
  });

  it('stores an auto-reply and a bounce without answering them; the bounce marks our mail failed on its case', async () => {
    const app = await startApp();
    await mailbox.deliver(plainMail({ subject: 'Bache', body: 'Hay un bache enorme en la calle Hidalgo 5.' }));
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const [answer] = await smtp.waitFor(1);

    const autoReply = plainMail({
      subject: `Fuera de la oficina: Re: Bache [${opened!.folio}]`,
      body: 'Estoy de vacaciones hasta el lunes.',
      extra: { 'Auto-Submitted': 'auto-replied', 'In-Reply-To': answer!.parsed.messageId! },
    });
    const boundary = 'rebote';
    const bounce = rawMail(
      {
        'Return-Path': '<>',
        From: 'Mail Delivery System <MAILER-DAEMON@mx.vecinos.example>',
        To: OUR_ADDRESS,
        Subject: 'Undelivered Mail Returned to Sender',
        'Message-ID': messageId(),
        'MIME-Version': '1.0',
        'Content-Type': `multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      },
      [
        `--${boundary}`,
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'This is the mail system. Your message could not be delivered: mailbox full.',
        `--${boundary}`,
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.vecinos.example',
        '',
        'Final-Recipient: rfc822; maria.lopez@vecinos.example',
        'Action: failed',
        'Status: 5.2.2',
        `--${boundary}`,
        'Content-Type: text/rfc822-headers',
        '',
        `From: ${OUR_ADDRESS}`,
        'To: maria.lopez@vecinos.example',
        `Subject: ${answer!.parsed.subject}`,
        `Message-ID: ${answer!.parsed.messageId}`,
        `--${boundary}--`,
        '',
      ].join('\n'),
    );
    const ownLoop = plainMail({ from: OUR_ADDRESS, subject: 'Re: algo', body: 'Nuestro propio correo de vuelta.' });
    const bulk = plainMail({
      from: 'boletin@tienda.example',
      subject: 'Ofertas',
      body: 'Grandes ofertas en baches.',
      extra: { Precedence: 'bulk' },
    });
    await mailbox.deliver(autoReply, bounce, ownLoop, bulk);
    await waitUntil(async () => (await inboundMessages()).length === 5 || undefined, 'all five stored');
    await app.queue.runDue(DELIVERIES);
    await new Promise((r) => setTimeout(r, 300));

    expect(smtp.mails).toHaveLength(1);
    expect(await allCases()).toHaveLength(1);
    const [out] = await db().select().from(messages).where(eq(messages.direction, 'out'));
    expect(out).toMatchObject({ deliveryStatus: 'failed' });
    const events = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, opened!.id), eq(caseEvents.type, 'delivery.failed')));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ reason: 'bounce' });
  });

  it('answers a sender at most EMAIL_ANSWERS_PER_SENDER_PER_HOUR times, but opens every case', async () => {
    await startApp({ EMAIL_ANSWERS_PER_SENDER_PER_HOUR: '2' });
    await mailbox.deliver(
      plainMail({ subject: 'Uno', body: 'Hay un bache en la calle Hidalgo 1.' }),
      plainMail({ subject: 'Dos', body: 'Hay un bache en la calle Hidalgo 2.' }),
      plainMail({ subject: 'Tres', body: 'Hay un bache en la calle Hidalgo 3.' }),
    );
    await waitUntil(() => caseCount(3), 'three cases');
    await smtp.waitFor(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mails).toHaveLength(2);
  });

  it('neither loses nor repeats mail when stopped in the middle of a batch and started again', async () => {
    const total = 6;
    await mailbox.deliver(
      ...Array.from({ length: total }, (_, i) =>
        plainMail({ subject: `Reporte ${i + 1}`, body: `Hay un bache en la calle Hidalgo ${i + 1}.`, from: `vecino${i}@vecinos.example` }),
      ),
    );
    const first = await startApp();
    await waitUntil(() => caseCount(2), 'the first cases');
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    const done = (await allCases()).length;
    expect(done).toBeLessThan(total);

    await startApp();
    await waitUntil(() => caseCount(total), 'every case');
    await waitUntil(async () => (await mailbox.list('INBOX')).length === 0, 'an empty inbox');
    await smtp.waitFor(total);
    await new Promise((r) => setTimeout(r, 300));
    expect(await allCases()).toHaveLength(total);
    expect(new Set((await allCases()).map((c) => c.description)).size).toBe(total);
    expect(smtp.mails).toHaveLength(total);
  });

  it('recognises a message it committed but could not mark (a crash before the move) and does not open it twice', async () => {
    await startApp();
    await mailbox.deliver(plainMail({ subject: 'Bache', body: 'Hay un bache en la calle Hidalgo 5.' }));
    await waitUntil(() => caseCount(1), 'the case');
    await smtp.waitFor(1);
    const [processed] = await waitUntil(async () => {
      const list = await mailbox.list('Procesados');
      return list.length === 1 ? list : undefined;
    }, 'the move');
    for (const app of apps.splice(0)) await app.close();

    // What a crash right after the commit leaves: the mail unmarked in the inbox (with or without the position saved).
    await mailbox.putBack('Procesados', processed!.uid);
    await startApp();
    await waitUntil(async () => (await mailbox.list('INBOX')).length === 0, 'the inbox emptied again');
    for (const app of apps.splice(0)) await app.close();
    const [again] = await mailbox.list('Procesados');
    await mailbox.putBack('Procesados', again!.uid);
    await database.db.execute(sql`delete from channel_state where channel = 'email'`);
    await startApp();
    await waitUntil(async () => (await mailbox.list('INBOX')).length === 0, 'the inbox emptied again');
    for (const app of apps.splice(0)) await app.close();

    // A crash after the flag but before the move: the mail sits flagged in the inbox.
    const [flagged] = await mailbox.list('Procesados');
    await mailbox.putBack('Procesados', flagged!.uid, { keepFlags: true });
    const [left] = await mailbox.list('INBOX');
    expect(left!.flags).toContain('$Ventanilla');
    // …with the position already past it, as it was saved right after the commit.
    const key = `imap:${dovecot.user}@127.0.0.1/INBOX`;
    const saved = await readChannelState<{ uidValidity: string; lastUid: number }>(database.db, 'email', key);
    await writeChannelState(database.db, 'email', key, { ...saved!, lastUid: left!.uid });
    await startApp();
    await waitUntil(async () => (await mailbox.list('INBOX')).length === 0, 'the flagged mail moved');
    await new Promise((r) => setTimeout(r, 300));
    expect(await allCases()).toHaveLength(1);
    expect(await inboundMessages()).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
  });

  it('re-scans the inbox when the server renumbered it (a new UIDVALIDITY), losing nothing', async () => {
    // A position from before the renumbering: UIDs far above anything the folder now holds.
    await writeChannelState(database.db, 'email', `imap:${dovecot.user}@127.0.0.1/INBOX`, { uidValidity: '1', lastUid: 999_999 });
    await mailbox.deliver(plainMail({ subject: 'Bache', body: 'Hay un bache en la calle Hidalgo 5.' }));
    await startApp();
    await waitUntil(() => caseCount(1), 'the case');
    const position = await waitUntil(async () => {
      const saved = await readChannelState<{ uidValidity: string; lastUid: number }>(
        database.db,
        'email',
        `imap:${dovecot.user}@127.0.0.1/INBOX`,
      );
      return saved && saved.uidValidity !== '1' ? saved : undefined;
    }, 'the new position');
    expect(position.lastUid).toBeLessThan(999_999);
  });

  it('sees new mail at once through IDLE, long before the next full check', async () => {
    await startApp({ EMAIL_POLL_SECONDS: '120' });
    await mailbox.deliver(plainMail({ subject: 'Primero', body: 'Hay un bache en la calle Hidalgo 1.' }));
    await waitUntil(() => caseCount(1), 'the first case', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    await mailbox.deliver(plainMail({ subject: 'Segundo', body: 'Hay un bache en la calle Hidalgo 2.' }));
    await waitUntil(() => caseCount(2), 'the second case, announced by IDLE', 10_000);
  });

  it('reconnects when the IMAP server goes away and comes back', async () => {
    await startApp();
    await mailbox.deliver(plainMail({ subject: 'Antes', body: 'Hay un bache en la calle Hidalgo 1.' }));
    await waitUntil(() => caseCount(1), 'the first case');
    await dovecot.stop();
    await new Promise((r) => setTimeout(r, 500));
    await dovecot.start();
    await mailbox.deliver(plainMail({ subject: 'Después', body: 'Hay otro bache en la calle Hidalgo 2.' }));
    const all = await waitUntil(() => caseCount(2), 'the case after the outage', 30_000);
    expect(all.map((c) => c.description)).toEqual(['Hay un bache en la calle Hidalgo 1.', 'Hay otro bache en la calle Hidalgo 2.']);
  });

  it('shows on the case an answer the SMTP server refused for good (5xx)', async () => {
    smtp.refuse.add('maria.lopez@vecinos.example');
    await startApp();
    await mailbox.deliver(plainMail({ subject: 'Bache', body: 'Hay un bache en la calle Hidalgo 5.' }));
    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const [out] = await waitUntil(async () => {
      const rows = await db()
        .select()
        .from(messages)
        .where(and(eq(messages.direction, 'out'), eq(messages.deliveryStatus, 'failed')));
      return rows.length ? rows : undefined;
    }, 'the failure');
    expect(out!.deliveryError).toMatch(/550/);
    const events = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, opened!.id), eq(caseEvents.type, 'delivery.failed')));
    expect(events).toHaveLength(1);
    expect(smtp.mails).toHaveLength(0);
  });

  it('delivers an answer later when the SMTP server was down', async () => {
    await smtp.stop();
    try {
      await startApp();
      await mailbox.deliver(plainMail({ subject: 'Bache', body: 'Hay un bache en la calle Hidalgo 5.' }));
      await waitUntil(() => caseCount(1), 'the case');
      await waitUntil(async () => {
        const rows = await database.db.execute(
          sql`select 1 from jobs where kind = 'message.deliver' and attempts >= 1 and last_error is not null and status = 'pending'`,
        );
        return ((rows as unknown as { rows?: unknown[] }).rows ?? (rows as unknown as unknown[])).length > 0 || undefined;
      }, 'a failed attempt');
    } finally {
      await smtp.start();
    }
    const [reply] = await smtp.waitFor(1, 30_000);
    expect(reply!.parsed.subject).toMatch(/^Re: Bache \[AC-2026-\d{6}\]$/);
  });
});

describe('the email channel with SMTP only', () => {
  it('is a sender without an inbox, for mail Ventanilla starts itself', async () => {
    const app = await createTestApp({
      env: { SMTP_URL: smtp.url, EMAIL_FROM: OUR_ADDRESS, OUTBOX_POLL_MS: '100' },
      channels: [emailChannel],
      database,
    });
    apps.push(app);
    expect(app.channels.map((c) => c.name)).toEqual(['email']);
    await app.start();
    const [conversation] = await database.db
      .insert(conversations)
      .values({
        channel: 'email',
        conversationKey: 'enlace@municipio.example hoja',
        channelUserId: 'enlace@municipio.example',
        citizenId: (await database.db.insert(citizens).values({}).returning())[0]!.id,
        dialogState: {},
      })
      .returning();
    await database.db.transaction((tx) =>
      enqueueOutbound(tx, {
        conversationId: conversation!.id,
        channel: 'email',
        message: { text: 'Hoja de ruta adjunta.', author: 'staff' },
      }),
    );
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['enlace@municipio.example']);
    expect(mail!.parsed.subject).toBe('Su solicitud');
    expect(mail!.parsed.headers.get('auto-submitted')).toBeUndefined();
  });

  it('gives the rest of Ventanilla a mailer for mail outside any conversation, attachments included', async () => {
    const config = loadConfig({ SMTP_URL: smtp.url, EMAIL_FROM: `Atención Ciudadana <${OUR_ADDRESS}>` }).email!;
    const mailer = createMailer(config);
    try {
      const pdf = Buffer.from('%PDF-1.4\nhoja de ruta\n');
      const sent = await mailer.send({
        to: 'enlace@municipio.example',
        subject: 'Hoja de ruta AC-2026-000001',
        text: 'Adjunta.',
        automatic: true,
        attachments: [{ filename: 'hoja.pdf', contentType: 'application/pdf', content: pdf }],
      });
      const [mail] = await smtp.waitFor(1);
      expect(mail!.parsed.messageId).toBe(sent.messageId);
      expect(sent.messageId).toMatch(/@municipio\.example>$/);
      expect(mail!.parsed.headers.get('auto-submitted')).toBe('auto-replied');
      expect(mail!.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.equals(pdf)])).toEqual([
        ['hoja.pdf', 'application/pdf', true],
      ]);
      smtp.refuse.add('nadie@municipio.example');
      await expect(mailer.send({ to: 'nadie@municipio.example', subject: 'x', text: 'x', automatic: false })).rejects.toBeInstanceOf(
        DeliveryRefused,
      );
    } finally {
      mailer.close();
    }
  });
});
