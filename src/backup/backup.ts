import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { z } from 'zod';
import { type Database, type DatabaseTarget, migrationsFolder, queryRows } from '../db/client.js';
import { lockDataDir } from '../db/data-dir-lock.js';
import { migrationStatus, readJournal } from '../db/migration-status.js';
import { createPgliteDataDir } from '../db/pglite-init.js';

/**
 * A backup is one file: this line, the manifest as one JSON line, then the database's own dump
 * (PGlite's packed data folder, a gzipped tar, or pg_dump's custom format). Photos and other
 * attachments are rows (bytea), so they travel inside the dump.
 */
const MAGIC = 'VENTANILLA-BACKUP 1\n';

export const BackupManifest = z.object({
  format: z.literal(1),
  version: z.string(),
  kind: z.enum(['pglite', 'postgres']),
  createdAt: z.string(),
  /** Migrations applied in the database when it was backed up. */
  migrations: z.number().int(),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

export interface PgTools {
  dump: string | undefined;
  restore: string | undefined;
}

/** The operator's side of a failure: a client tool missing or refusing. */
export class BackupToolError extends Error {
  override name = 'BackupToolError';
  constructor(
    readonly tool: string,
    readonly missing: boolean,
    reason: string,
  ) {
    super(reason);
  }
}

export class NotABackup extends Error {
  override name = 'NotABackup';
}

export class RestoreTargetNotEmpty extends Error {
  override name = 'RestoreTargetNotEmpty';
}

/**
 * Writes a backup of an open database to `file`: through a `.partial` file renamed at the end,
 * so a failed backup never leaves a file that looks whole (the nightly retention counts files).
 */
export async function writeBackup(
  database: Database,
  file: string,
  options: { version: string; now: Date; tools: PgTools },
): Promise<{ manifest: BackupManifest; bytes: number }> {
  const status = await migrationStatus(database.db, readJournal(migrationsFolder));
  const manifest: BackupManifest = {
    format: 1,
    version: options.version,
    kind: database.target.kind,
    createdAt: options.now.toISOString(),
    migrations: status.applied,
  };
  const header = Buffer.from(MAGIC + JSON.stringify(manifest) + '\n', 'utf8');
  const partial = `${file}.partial`;
  try {
    if (database.target.kind === 'pglite') {
      if (!database.dumpDataDir) throw new Error('this embedded database cannot be dumped');
      const packed = Buffer.from(await (await database.dumpDataDir()).arrayBuffer());
      writeFileSync(partial, Buffer.concat([header, packed]));
    } else {
      await pgDumpTo(partial, header, database.target.url, options.tools.dump);
    }
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return { manifest, bytes: statSync(file).size };
}

/** The manifest of a backup file and where its dump starts; NotABackup when it is none of ours. */
export function readBackupHeader(file: string): { manifest: BackupManifest; offset: number } {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(64 * 1024);
  let length: number;
  try {
    length = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = head.subarray(0, length).toString('latin1');
  const end = text.indexOf('\n', MAGIC.length);
  if (!text.startsWith(MAGIC) || end < 0) throw new NotABackup(file);
  let manifest: ReturnType<typeof BackupManifest.safeParse>;
  try {
    manifest = BackupManifest.safeParse(JSON.parse(head.subarray(MAGIC.length, end).toString('utf8')));
  } catch {
    throw new NotABackup(file);
  }
  if (!manifest.success) throw new NotABackup(file);
  return { manifest: manifest.data, offset: end + 1 };
}

/**
 * Restores a backup into the configured database. The target must be empty (a new data folder,
 * a new database) unless `force`, which replaces what it holds. An embedded folder in use by the
 * server is refused by its lock (DataDirInUse).
 */
export async function restoreBackup(
  file: string,
  target: DatabaseTarget,
  options: { force: boolean; tools: PgTools },
): Promise<BackupManifest> {
  const { manifest, offset } = readBackupHeader(file);
  if (manifest.kind !== target.kind) throw new Error(`a ${manifest.kind} backup cannot be restored onto a ${target.kind} database`);
  if (target.kind === 'pglite') {
    if (!target.dataDir) throw new Error('an in-memory database cannot be restored into');
    await restorePglite(file, offset, target.dataDir, options.force);
  } else {
    await restorePostgres(file, offset, target.url, options.force, options.tools.restore);
  }
  return manifest;
}

async function restorePglite(file: string, offset: number, dataDir: string, force: boolean): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  const scratch = mkdtempSync(join(tmpdir(), 'ventanilla-restore-'));
  try {
    const held = readdirSync(dataDir).filter((name) => name !== 'ventanilla.pid');
    if (held.length > 0 && !force) throw new RestoreTargetNotEmpty(dataDir);
    for (const name of held) rmSync(join(dataDir, name), { recursive: true, force: true });
    const packed = join(scratch, 'pgdata.tar.gz');
    writeFileSync(packed, readFileSync(file).subarray(offset));
    await createPgliteDataDir(dataDir, packed);
    if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new Error(`the backup did not unpack into ${dataDir}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    unlock();
  }
}

async function restorePostgres(file: string, offset: number, url: string, force: boolean, configured: string | undefined): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>(
      `select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
    );
    if (Number(result.rows[0]?.n) > 0 && !force) throw new RestoreTargetNotEmpty(new URL(url).pathname.slice(1));
  } finally {
    await client.end();
  }
  const tool = await findPgTool('pg_restore', configured);
  // One transaction: a restore that fails half-way leaves the database as it was.
  const child = spawn(
    tool,
    ['--clean', '--if-exists', '--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', `--dbname=${url}`],
    {
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  const errors = collect(child.stderr);
  createReadStream(file, { start: offset }).pipe(child.stdin);
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new BackupToolError('pg_restore', false, errors().trim() || `exit ${code}`);
}

async function pgDumpTo(partial: string, header: Buffer, url: string, configured: string | undefined): Promise<void> {
  const tool = await findPgTool('pg_dump', configured);
  writeFileSync(partial, header);
  const child = spawn(tool, ['--format=custom', '--no-owner', '--no-acl', `--dbname=${url}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const errors = collect(child.stderr);
  const out = createWriteStream(partial, { flags: 'a' });
  child.stdout.pipe(out);
  const [[code]] = await Promise.all([once(child, 'exit') as Promise<[number | null]>, once(out, 'finish')]);
  if (code !== 0) throw new BackupToolError('pg_dump', false, errors().trim() || `exit ${code}`);
}

function collect(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

/**
 * The configured tool, else the one on PATH, else the newest of Debian's and Ubuntu's
 * /usr/lib/postgresql/<version>/bin (the server's packages put them there, off PATH).
 */
export async function findPgTool(name: 'pg_dump' | 'pg_restore', configured: string | undefined): Promise<string> {
  const installed = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join('/usr/lib/postgresql', v, 'bin', name))
    : [];
  const candidates = configured ? [configured] : [name, ...installed];
  for (const candidate of candidates) {
    if (await runs(candidate)) return candidate;
  }
  throw new BackupToolError(name, true, `${name} not found (tried ${candidates.join(', ')})`);
}

async function runs(command: string): Promise<boolean> {
  const child = spawn(command, ['--version'], { stdio: 'ignore' });
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    return code === 0;
  } catch {
    return false;
  }
}

/** How many cases a database holds: what a restore reports, so the operator sees it is the right one. */
export async function countCases(database: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from cases`);
  return Number(row?.n ?? 0);
}
