import { and, asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emailChannel } from '../../../src/channels/email/index.js';
import type { Database } from '../../../src/db/client.js';
import { attachments, caseEvents, cases, citizens, messages } from '../../../src/db/schema.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/database.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../../helpers/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../helpers/smtp-receiver.js';
import { Mailbox, messageId, plainMail, rawMail, waitUntil } from './mailbox.js';

const OUR_ADDRESS = 'atencion@municipio.example';

let dovecot: Dovecot;
let smtp: SmtpReceiver;
let mailbox: Mailbox;
let database: Database;
const apps: TestApp[] = [];

beforeAll(async () => {
  if (!dovecotAvailable()) throw new Error('Dovecot is not installed (Debian: dovecot-imapd); scripts/test-all.sh installs it');
  dovecot = await startDovecot();
  smtp = await startSmtpReceiver();
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
  const app = await createTestApp({ env: env(extra), channels: [emailChannel], database });
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
    await mailbox.deliver(plainMail({ id, subject: 'Bache enorme', body: 'Buenas tardes,\n\nHay un bache muy grande que ya dañó dos coches, urge que lo tapen.\n\nSaludos\n-- \nMaría López\nTel. oficina 55 0000 0000' }));

    const [opened] = await waitUntil(() => caseCount(1), 'the case');
    const [reply] = await smtp.waitFor(1);
    console.log(`---- answer as the citizen receives it ----\n${reply!.raw.split('\r\n\r\n')[0]}\n\n${reply!.parsed.text}\n------------------------------------------`);

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
});
