import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailChannel } from '../../../src/channels/email/index.js';
import type { Database } from '../../../src/db/client.js';
import { cases } from '../../../src/db/schema.js';
import { advancingClock, createTestApp, type TestApp } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/database.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../../helpers/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../helpers/smtp-receiver.js';
import { offending } from '../../helpers/tone.js';
import { Mailbox, messageId, plainMail, waitUntil } from './mailbox.js';

const LIAISONS = /^enlace\./;
const OUR_ADDRESS = 'atencion@municipio.example';

let dovecot: Dovecot;
let smtp: SmtpReceiver;
let database: Database;
let app: TestApp;

beforeAll(async () => {
  if (!dovecotAvailable()) throw new Error('Dovecot is not installed (Debian: dovecot-imapd); scripts/test-all.sh installs it');
  dovecot = await startDovecot();
  smtp = await startSmtpReceiver({ ignoreRecipients: LIAISONS });
  database = await createTestDatabase();
  app = await createTestApp({
    env: {
      TONE: 'tu',
      IMAP_URL: dovecot.url,
      SMTP_URL: smtp.url,
      EMAIL_FROM: `Atención Ciudadana <${OUR_ADDRESS}>`,
      EMAIL_POLL_SECONDS: '0.2',
      OUTBOX_POLL_MS: '100',
    },
    channels: [emailChannel],
    database,
    now: advancingClock(),
  });
  await app.start();
});
afterAll(async () => {
  await app?.close();
  await database?.close();
  await smtp?.stop();
  await dovecot?.destroy();
});

describe('the email answer with TONE=tu', () => {
  it('gives the folio and asks for what is missing in «tú», as the chat does', async () => {
    await new Mailbox(dovecot).deliver(
      plainMail({
        id: messageId(),
        subject: 'Bache enorme',
        body: 'Buenas tardes,\n\nHay un bache muy grande que ya dañó dos coches, urge que lo tapen.\n\nSaludos\nMaría López',
      }),
    );
    const [opened] = await waitUntil(async () => {
      const rows = await database.db.select().from(cases).orderBy(asc(cases.id));
      return rows.length > 0 ? rows : undefined;
    }, 'the case');
    const [reply] = await smtp.waitFor(1);
    const text = String(reply!.parsed.text);
    // Only what we wrote: the citizen's quoted words below are theirs.
    const ours = text.split(/\n>|\nEl .* escribió:/)[0]!;

    expect(ours).toContain(`Recibimos tu correo y registramos tu reporte o denuncia con el folio ${opened!.folio}.`);
    expect(ours).toMatch(/Te responderemos a más tardar el /);
    expect(ours).toContain('Para atenderte mejor, responde a este correo indicando:');
    expect(ours).toContain('o conserva «[');
    expect(offending('tu', ours)).toEqual([]);
  });
});
