import { FOLLOW_UPS } from '../../src/server/app.js';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../src/channels/email/client.js';
import { openCase } from '../../src/cases/open-case.js';
import { createStaffMailDelivery, queueStaffMail, STAFF_MAIL_JOB } from '../../src/cases/follow-up/staff-mail.js';
import { loadConfig } from '../../src/config.js';
import { caseEvents, citizens, staffMails } from '../../src/db/schema.js';
import { JobQueue } from '../../src/queue/queue.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';

/**
 * Mail to staff is decided in a transaction and sent by a durable job: it survives a restart,
 * goes once, and when a crash hides whether it went, it goes again and the case history says so.
 */

const FROM = 'Atención Ciudadana <atencion@municipio.example>';
const START = new Date('2026-11-23T16:00:00Z');
let smtp: SmtpReceiver;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => smtp?.stop());

async function caseWithMail(app: TestApp, to: string, clock: Date) {
  return app.database.db.transaction(async (tx) => {
    const [citizen] = await tx.insert(citizens).values({ name: 'Rosa Díaz' }).returning();
    const opened = await openCase(
      tx,
      {
        type: 'reporte',
        category: 'alumbrado-publico',
        description: 'Lámpara fundida en la calle 5',
        citizenId: citizen!.id,
        channel: 'telefono',
        actor: { kind: 'system' },
      },
      { folioPrefix: 'AC', defaultDueDays: 30, timeZone: 'America/Mexico_City' },
      clock,
    );
    const id = await queueStaffMail(
      tx,
      {
        dedupKey: `prueba:${opened.case.id}`,
        kind: 'routing_sheet',
        caseId: opened.case.id,
        to,
        subject: `Hoja de trámite ${opened.case.folio}`,
        text: 'Texto',
        html: '<p>Texto</p>',
        attachments: [{ filename: 'hoja.pdf', contentType: 'application/pdf', content: new TextEncoder().encode('%PDF-1.4 prueba') }],
      },
      'municipio.example',
    );
    return { caseId: opened.case.id, mailId: id! };
  });
}

/** The case's history of one mail (other follow-ups of the case, such as its routing sheet, are left out). */
const historyOf = async (app: TestApp, caseId: number, mailId: number) =>
  (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id)))
    .filter((e) => e.type === 'case.opened' || (e.data as { staffMailId?: number }).staffMailId === mailId)
    .map((e) => e.type);

const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

describe(`staff mail through the scheduler, on ${databaseKind}`, () => {
  it('sends a queued mail once, with its attachment, and records it on the case', async () => {
    let clock = START;
    const app = await createTestApp({ env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM }, now: () => clock });
    try {
      const { caseId, mailId } = await caseWithMail(app, 'enlace.uno@municipio.example', clock);
      expect(
        await queueStaffMail(
          app.database.db,
          { dedupKey: `prueba:${caseId}`, kind: 'routing_sheet', caseId, to: 'x@y.z', subject: 's', text: 't' },
          'municipio.example',
        ),
      ).toBeNull();

      await app.queue.runDue(FOLLOW_UPS);
      clock = new Date(START.getTime() + 3_600_000);
      await app.queue.runDue(FOLLOW_UPS);

      const received = mailsTo('enlace.uno@municipio.example');
      expect(received).toHaveLength(1);
      expect(received[0]!.parsed.attachments.map((a) => a.filename)).toEqual(['hoja.pdf']);
      expect(received[0]!.parsed.headers.get('auto-submitted')).toBe('auto-replied');
      const [mail] = await app.database.db.select().from(staffMails).where(eq(staffMails.id, mailId));
      expect(mail).toMatchObject({ status: 'sent', attempts: 1 });
      expect(received[0]!.parsed.messageId).toBe(mail!.messageId);
      expect(await historyOf(app, caseId, mailId)).toEqual(['case.opened', 'follow_up.mail_sent']);
    } finally {
      await app.close();
    }
  });

  it('marks a mail the server refuses for good as failed, visibly, and does not retry it', async () => {
    const app = await createTestApp({ env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM }, now: () => START });
    smtp.refuse.add('nadie@municipio.example');
    try {
      const { caseId, mailId } = await caseWithMail(app, 'nadie@municipio.example', START);
      await app.queue.runDue(FOLLOW_UPS);
      const [mail] = await app.database.db.select().from(staffMails).where(eq(staffMails.id, mailId));
      expect(mail!.status).toBe('failed');
      expect(mail!.lastError).toMatch(/550/);
      expect(await historyOf(app, caseId, mailId)).toEqual(['case.opened', 'follow_up.mail_failed']);
    } finally {
      smtp.refuse.clear();
      await app.close();
    }
  });

  it('after a restart, sends what the stopped instance had not sent', async () => {
    const database = await createTestDatabase();
    let clock = START;
    const first = await createTestApp({ database, env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM }, now: () => clock });
    const { caseId, mailId } = await caseWithMail(first, 'enlace.dos@municipio.example', clock);
    await first.close(); // stopped before its scheduler ran

    clock = new Date(START.getTime() + 60_000);
    const second = await createTestApp({ database, env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM }, now: () => clock });
    try {
      await second.queue.runDue(FOLLOW_UPS);
      expect(mailsTo('enlace.dos@municipio.example')).toHaveLength(1);
      expect(await historyOf(second, caseId, mailId)).toEqual(['case.opened', 'follow_up.mail_sent']);
    } finally {
      await second.close();
      await database.close();
    }
  });

  it('when an instance died between sending and recording, sends again with the same Message-ID and says so in the history', async () => {
    let clock = START;
    const app = await createTestApp({ env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM }, now: () => clock });
    try {
      const { caseId, mailId } = await caseWithMail(app, 'enlace.tres@municipio.example', clock);
      // An instance whose process freezes for good right after the SMTP server accepted the mail.
      const config = loadConfig({ SMTP_URL: smtp.url, EMAIL_FROM: FROM });
      const real = createMailer(config.email!);
      const dying = {
        send: async (mail: Parameters<typeof real.send>[0]) => {
          await real.send(mail);
          return new Promise<never>(() => undefined);
        },
        close: () => real.close(),
      };
      const doomed = new JobQueue({
        db: app.database.db,
        kinds: new Map([[STAFF_MAIL_JOB, { run: createStaffMailDelivery(dying) }]]),
        now: () => clock,
        logger: { warn() {}, error() {} },
        pollMs: 60_000,
      });
      void doomed.runDue();
      for (let i = 0; i < 100 && mailsTo('enlace.tres@municipio.example').length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(mailsTo('enlace.tres@municipio.example')).toHaveLength(1);

      await app.queue.runDue(FOLLOW_UPS); // the lease still holds: nothing happens
      expect(mailsTo('enlace.tres@municipio.example')).toHaveLength(1);

      clock = new Date(START.getTime() + 10 * 60_000);
      await app.queue.runDue(FOLLOW_UPS);
      const both = mailsTo('enlace.tres@municipio.example');
      expect(both).toHaveLength(2);
      expect(both[1]!.parsed.messageId).toBe(both[0]!.parsed.messageId);
      expect(await historyOf(app, caseId, mailId)).toEqual(['case.opened', 'follow_up.mail_resent', 'follow_up.mail_sent']);
      real.close();
    } finally {
      await app.close();
    }
  });
});
