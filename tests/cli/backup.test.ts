import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { asc, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { runBackup, runRestore } from '../../src/cli/backup.js';
import { runMigrate } from '../../src/cli/migrate.js';
import { type Database, type DatabaseTarget, migrationsFolder, openDatabase } from '../../src/db/client.js';
import { DatabaseTooNew, readJournal } from '../../src/db/migration-status.js';
import { attachments, cases, conversations, messages } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { createTestApp } from '../helpers/app.js';
import { createServerDatabaseUrl, createTestDatabase } from '../helpers/database.js';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'ventanilla-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const PHOTO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from('foto-del-respaldo-41d2')]);

type Result = { code: number; stdout: string; stderr: string };
type Command = (args: string[], out: (l: string) => void, err: (l: string) => void, env?: NodeJS.ProcessEnv) => Promise<number>;

async function here(command: Command, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
    { LOG_LEVEL: 'silent', ...env },
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** The real command in a process of its own, as `npx ventanilla …` runs it. */
async function ventanilla(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Result> {
  const full: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', LOCALE: 'es', ...env };
  if (!env.DATABASE_URL) delete full.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      env: full,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Result;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A WhatsApp case with a photo, opened through the conversation service. */
async function seedCase(database: Database): Promise<void> {
  const app = await createTestApp({ database });
  let n = 0;
  const say = (message: object) =>
    app.conversations.receive(
      InboundMessage.parse({
        channel: 'whatsapp',
        channelUserId: '5213317650001',
        conversationKey: '5213317650001',
        externalId: `wamid.backup.${++n}`,
        senderPhone: '+5213317650001',
        receivedAt: new Date(),
        text: '',
        ...message,
      }),
    );
  await say({ text: 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123' });
  await say({ text: 'Rosendo Ituarte' });
  await say({ attachments: [{ kind: 'photo', contentType: 'image/png', data: PHOTO }] });
  await say({ text: 'omitir' });
  await say({ text: 'sí' });
  await app.close();
}

/** What a restore must give back: every case, every conversation's messages, every attachment's bytes. */
async function contents(database: Database) {
  const { db } = database;
  return {
    cases: await db.select({ folio: cases.folio, description: cases.description }).from(cases).orderBy(asc(cases.id)),
    conversations: (await db.select({ id: conversations.id }).from(conversations)).length,
    messages: await db.select({ text: messages.text }).from(messages).orderBy(asc(messages.id)),
    attachments: (await db.select({ data: attachments.data }).from(attachments).orderBy(asc(attachments.id))).map((a) =>
      Buffer.from(a.data).toString('hex'),
    ),
  };
}

async function withDatabase<T>(target: DatabaseTarget, use: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(target);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

describe('backup and restore of the embedded database', () => {
  const source = join(root, 'source');
  const restored = join(root, 'restored');
  const file = join(root, 'pglite.backup');
  const pgdata = (dir: string) => ({ kind: 'pglite', dataDir: join(dir, 'pgdata') }) as const;
  let before: Awaited<ReturnType<typeof contents>>;

  it('gives back every case, conversation and photo in an empty data folder', { timeout: 500_000 }, async () => {
    before = await withDatabase(pgdata(source), async (database) => {
      await database.migrate();
      await seedCase(database);
      return contents(database);
    });
    expect(before.cases).toHaveLength(1);
    expect(before.attachments).toEqual([Buffer.from(PHOTO).toString('hex')]);

    const backup = await here(runBackup, ['--out', file], { DATA_DIR: source });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('base pglite');

    const restore = await here(runRestore, [file], { DATA_DIR: restored });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('1 caso');
    expect(await withDatabase(pgdata(restored), contents)).toEqual(before);
  });

  it('refuses a data folder that has data, unless --force', { timeout: 300_000 }, async () => {
    const refused = await here(runRestore, [file], { DATA_DIR: restored });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');
    const forced = await here(runRestore, [file, '--force'], { DATA_DIR: restored });
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(await withDatabase(pgdata(restored), contents)).toEqual(before);
  });

  it('refuses to back up while the server holds the data folder', { timeout: 300_000 }, async () => {
    await withDatabase(pgdata(source), async () => {
      const result = await ventanilla({ DATA_DIR: source }, 'backup', '--out', join(root, 'while-running.backup'));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('El servidor está en marcha con la base embebida: deténgalo antes de respaldar');
    });
    expect(existsSync(join(root, 'while-running.backup'))).toBe(false);
  });

  it('says what is not a backup', async () => {
    const result = await here(runRestore, [join(root, 'source', 'pgdata', 'PG_VERSION')], { DATA_DIR: join(root, 'other') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no es un respaldo de Ventanilla');
  });

  it('lists pending migrations with migrate --dry-run, and refuses a database of a newer version', { timeout: 300_000 }, async () => {
    const journal = readJournal(migrationsFolder);
    const last = journal.at(-1)!;
    const upToDate = await here(runMigrate, ['--dry-run'], { DATA_DIR: restored });
    expect(upToDate.stdout).toContain('al día');

    await withDatabase(pgdata(restored), (d) =>
      d.db.execute(sql`delete from drizzle.__drizzle_migrations where created_at = ${last.when}`),
    );
    const pending = await here(runMigrate, ['--dry-run'], { DATA_DIR: restored });
    expect(pending.code).toBe(0);
    expect(pending.stdout).toContain('1 migración pendiente');
    expect(pending.stdout).toContain(last.tag);

    await withDatabase(pgdata(restored), (d) =>
      d.db.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('0', ${last.when}), ('future', ${last.when + 86_400_000})`,
      ),
    );
    await withDatabase(pgdata(restored), async (database) => {
      await expect(database.migrate()).rejects.toBeInstanceOf(DatabaseTooNew);
    });
    const refused = await here(runMigrate, [], { DATA_DIR: restored });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('La base de datos es de una versión más nueva de Ventanilla');
    expect(refused.stderr).toContain('instale esa versión o restaure un respaldo');
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('backup and restore of a PostgreSQL server database', () => {
  it('gives back every case, conversation and photo in a new database, and refuses a database with data', {
    timeout: 500_000,
  }, async () => {
    const source = await createTestDatabase();
    const fresh = await createServerDatabaseUrl();
    const file = join(root, 'postgres.backup');
    try {
      await seedCase(source);
      const before = await contents(source);
      const backup = await here(runBackup, ['--out', file], { DATABASE_URL: source.url!, DATA_DIR: root });
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(backup.stdout).toContain('base postgres');

      const restore = await here(runRestore, [file], { DATABASE_URL: fresh.url!, DATA_DIR: root });
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      expect(await withDatabase({ kind: 'postgres', url: fresh.url!, poolSize: 2 }, contents)).toEqual(before);

      const refused = await here(runRestore, [file], { DATABASE_URL: fresh.url!, DATA_DIR: root });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('--force');
      const forced = await here(runRestore, [file, '--force'], { DATABASE_URL: fresh.url!, DATA_DIR: root });
      expect(forced.stderr).toBe('');
      expect(await withDatabase({ kind: 'postgres', url: fresh.url!, poolSize: 2 }, contents)).toEqual(before);
    } finally {
      await source.close();
      await fresh.drop();
    }
  });
});
