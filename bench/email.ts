import { sql } from 'drizzle-orm';
import { classify } from '../src/understanding/classify.js';
import { parseEmail } from '../src/channels/email/parse.js';
import { emailChannel } from '../src/channels/email/index.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, queryRows } from '../src/db/client.js';
import { loadDialogScript } from '../src/dialogs/script-schema.js';
import { seedDefaults } from '../src/seed/seed.js';
import { buildApp } from '../src/server/app.js';
import { dovecotAvailable, startDovecot } from '../tests/helpers/dovecot.js';
import { startSmtpReceiver } from '../tests/helpers/smtp-receiver.js';
import { Mailbox, plainMail } from '../tests/channels/email/mailbox.js';

/**
 * Mail from a real Dovecot inbox to cases: parsing alone, then the whole path (IMAP fetch,
 * parse, case, answer queued, flag and move) with answers sent to a local SMTP receiver.
 */
export async function benchEmail(mails = 100): Promise<Record<string, string>> {
  const sample = Buffer.from(
    plainMail({
      subject: 'Bache enorme',
      body: 'Buenas tardes,\n\nHay un bache muy grande en la calle Hidalgo 123, colonia Centro, que ya dañó dos coches.\n\nEl lun, 9 mar 2026 a las 10:00, Alguien <a@b.mx> escribió:\n> algo citado\n\n-- \nMaría',
    }),
  );
  const parses = 2000;
  const t0 = performance.now();
  for (let i = 0; i < parses; i++)
    await parseEmail(sample, {
      ownAddress: 'atencion@municipio.example',
      attachments: { maxBytes: 1e7, types: ['image/png'], maxCount: 10 },
    });
  const figures: Record<string, string> = {
    'email: parse and clean one mail (mean)': `${((performance.now() - t0) / parses).toFixed(2)} ms`,
  };
  if (!dovecotAvailable()) return { ...figures, 'email: inbox to cases': 'skipped (Dovecot not installed)' };

  const dovecot = await startDovecot();
  const smtp = await startSmtpReceiver();
  const database = await openDatabase({ kind: 'pglite', dataDir: null });
  try {
    await database.migrate();
    await seedDefaults(database.db, { adminEmail: 'bench@ventanilla.local', adminPassword: 'benchmark-password' });
    await new Mailbox(dovecot).deliver(
      ...Array.from({ length: mails }, (_, i) =>
        plainMail({ subject: `Reporte ${i}`, body: `Hay un bache en la calle Hidalgo ${i}.`, from: `vecino${i}@vecinos.example` }),
      ),
    );
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      IMAP_URL: dovecot.url,
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'atencion@municipio.example',
      EMAIL_POLL_SECONDS: '0.1',
      OUTBOX_POLL_MS: '100',
    });
    const app = await buildApp({
      config,
      database,
      script: loadDialogScript(undefined, 'es'),
      classify,
      municipalityName: 'Bench',
      version: 'bench',
      channels: [emailChannel],
    });
    const started = performance.now();
    await app.start();
    const count = async () => Number((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from cases`))[0]!.n);
    while ((await count()) < mails) await new Promise((r) => setTimeout(r, 20));
    const toCases = (performance.now() - started) / 1000;
    await smtp.waitFor(mails, 120_000);
    const toAnswers = (performance.now() - started) / 1000;
    await app.app.close();
    return {
      ...figures,
      [`email: ${mails} mails in a Dovecot inbox to cases (PGlite), per second`]: (mails / toCases).toFixed(1),
      'email: … and every answer received by SMTP, seconds': toAnswers.toFixed(1),
    };
  } finally {
    await database.close();
    await smtp.stop();
    await dovecot.destroy();
  }
}
