import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../../src/db/client.js';
import { createServerDatabaseUrl, databaseKind } from '../../helpers/database.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../../helpers/dovecot.js';
import { startServer, type ServerProcess } from '../../helpers/server-process.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../helpers/smtp-receiver.js';
import { Mailbox, plainMail, waitUntil } from './mailbox.js';

/** The departments' liaisons get routing sheets (issue 8); this test is about the citizens' mail. */
const LIAISONS = /^enlace\./;
let dovecot: Dovecot;
let smtp: SmtpReceiver;
let mailbox: Mailbox;
let dataDir: string;
let database: Awaited<ReturnType<typeof createServerDatabaseUrl>>;
let server: ServerProcess | undefined;

beforeAll(async () => {
  if (!dovecotAvailable()) throw new Error('Dovecot is not installed (Debian: dovecot-imapd); scripts/test-all.sh installs it');
  dovecot = await startDovecot();
  smtp = await startSmtpReceiver({ ignoreRecipients: LIAISONS });
  mailbox = new Mailbox(dovecot);
  dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-email-e2e-'));
  database = await createServerDatabaseUrl();
});
afterAll(async () => {
  await server?.stop();
  await smtp?.stop();
  await dovecot?.destroy();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`the email channel in a started server (${databaseKind})`, () => {
  it('neither loses nor repeats mail when the server is killed in the middle of a batch', { timeout: 180_000 }, async () => {
    const total = 20;
    const env = {
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'una-clave-de-prueba-larga',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      IMAP_URL: dovecot.url,
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'atencion@municipio.example',
      EMAIL_POLL_SECONDS: '0.2',
      OUTBOX_POLL_MS: '100',
      LOG_LEVEL: 'info',
    };
    await mailbox.deliver(
      ...Array.from({ length: total }, (_, i) =>
        plainMail({ subject: `Reporte ${i + 1}`, body: `Hay un bache en la calle Hidalgo ${i + 1}.`, from: `vecino${i}@vecinos.example` }),
      ),
    );

    server = await startServer(env);
    await waitUntil(
      async () => server!.output().includes('Correo: se lee la carpeta INBOX de 127.0.0.1') || undefined,
      'the email start line',
    );
    await waitUntil(async () => (await mailbox.list('Procesados')).length >= 3 || undefined, 'the first mails processed');
    await server.crash();
    expect((await mailbox.list('INBOX')).length).toBeGreaterThan(0);

    server = await startServer(env);
    await waitUntil(async () => (await mailbox.list('Procesados')).length === total || undefined, 'every mail processed', 120_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${server?.output()}`);
      },
    );
    expect(await mailbox.list('INBOX')).toEqual([]);
    await server.stop();
    server = undefined;

    // Exactly one case, one stored mail and one queued answer per mail in the inbox.
    const db = await openDatabase(
      database.url ? { kind: 'postgres', url: database.url, poolSize: 2 } : { kind: 'pglite', dataDir: join(dataDir, 'pgdata') },
    );
    try {
      const count = async (query: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(db.db, query))[0]!.n);
      expect(await count(sql`select count(*)::int as n from cases`)).toBe(total);
      expect(await count(sql`select count(distinct description)::int as n from cases`)).toBe(total);
      expect(await count(sql`select count(*)::int as n from messages where direction = 'in'`)).toBe(total);
      expect(await count(sql`select count(*)::int as n from jobs where kind = 'message.deliver'`)).toBe(total);
    } finally {
      await db.close();
    }
    // Answers already sent each have their own folio; one claimed by the killed server waits out its lease (ADR 3).
    const answers = new Map(smtp.mails.map((m) => [m.parsed.messageId, m]));
    const folios = new Set([...answers.values()].map((m) => /\[(AC-\d{4}-\d{6})\]/.exec(m.parsed.subject ?? '')?.[1]));
    expect(answers.size).toBeGreaterThan(0);
    expect(folios.size).toBe(answers.size);
  });
});
