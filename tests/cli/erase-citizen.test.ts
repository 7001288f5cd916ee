import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEraseCitizen } from '../../src/cli/erase-citizen.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { auditLog, cases, citizens } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { createTestApp } from '../helpers/app.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-erase-'));
const target = { kind: 'pglite', dataDir: join(dataDir, 'pgdata') } as const;
let citizenId: number;

/** The real command, as `npx ventanilla erase-citizen …` runs it, on this test's data folder. */
async function ventanilla(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', LOCALE: 'es' };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The same command in this process: quicker, for what needs no second process. */
async function eraseHere(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEraseCitizen(
    args,
    (line) => out.push(line),
    (line) => err.push(line),
    { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

async function withDatabase<T>(use: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(target);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  const database = await openDatabase(target);
  await database.migrate();
  const app = await createTestApp({ database });
  let n = 0;
  const say = (text: string) =>
    app.conversations.receive(
      InboundMessage.parse({
        channel: 'telegram',
        channelUserId: 't9',
        conversationKey: 't9',
        externalId: `u${++n}`,
        text,
        receivedAt: new Date(),
      }),
    );
  await say('Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
  await say('Rosendo Ituarte 3312345678');
  await say('omitir');
  await say('sí');
  await app.close();
  await database.close();
  const [row] = await withDatabase((d) => d.db.select().from(cases));
  citizenId = row!.citizenId;
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('ventanilla erase-citizen on an embedded database', () => {
  it('asks for --yes first and erases nothing without it', async () => {
    const result = await eraseHere(String(citizenId));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--yes');
    const [row] = await withDatabase((d) => d.db.select().from(citizens).where(eq(citizens.id, citizenId)));
    expect(row!.name).toBe('Rosendo Ituarte');
  });

  it('refuses while another process holds the data folder', { timeout: 120_000 }, async () => {
    await withDatabase(async () => {
      const result = await ventanilla('erase-citizen', String(citizenId), '--yes');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('No se puede abrir la base de datos');
    });
  });

  it('erases the citizen, keeps the case, and audits it as done from the command line', { timeout: 120_000 }, async () => {
    const result = await ventanilla('erase-citizen', String(citizenId), '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`ciudadano ${citizenId} borrados: 1 caso anonimizado`);
    await withDatabase(async ({ db }) => {
      const [row] = await db.select().from(citizens).where(eq(citizens.id, citizenId));
      expect(row).toMatchObject({ name: null, phone: null });
      expect(row!.erasedAt).toBeInstanceOf(Date);
      const [kept] = await db.select().from(cases).where(eq(cases.citizenId, citizenId));
      expect(kept!.description).not.toContain('Hidalgo');
      expect(await db.select().from(auditLog).where(eq(auditLog.action, 'citizen.erased'))).toEqual([
        expect.objectContaining({ staffUserId: null, subjectId: String(citizenId) }),
      ]);
    });
  });

  it('says so when the citizen had been erased, and when there is no such citizen', async () => {
    const again = await eraseHere(String(citizenId), '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('ya estaba borrado');
    const missing = await eraseHere('987654', '--yes');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('El ciudadano no existe');
  });
});
