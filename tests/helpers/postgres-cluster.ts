import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/**
 * A PostgreSQL cluster of a test's own, in a temporary directory on a free port, so the test may
 * stop and start it (or kill it) without disturbing the server the rest of the suite shares.
 */
export interface PostgresCluster {
  /** A superuser URL to the `postgres` database. */
  url: string;
  port: number;
  /** `pg_ctl stop` with the given mode: `fast` closes sessions cleanly, `immediate` is a crash. */
  running(): boolean;
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** The directory with initdb, pg_ctl and postgres (Debian's highest version), or null. */
export function postgresBinaries(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(base, version, 'bin');
    if (['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(join(bin, tool)))) return bin;
  }
  return null;
}

/** PostgreSQL refuses to run as root; as root the tools run as `postgres`, as scripts/test-all.sh does. */
function asOwner(tool: string, args: string[]) {
  return isRoot ? run('runuser', ['-u', 'postgres', '--', tool, ...args]) : run(tool, args);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  // Short path: the socket path (dir + "/.s.PGSQL.NNNNN") must stay under ~107 bytes.
  const dir = mkdtempSync('/tmp/ventanilla-pgc-');
  if (isRoot) chownSync(dir, ...(await postgresIds()));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  await asOwner(join(bin, 'initdb'), ['-D', data, '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C', '--no-sync']);
  appendFileSync(
    join(data, 'postgresql.conf'),
    `\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nfsync = off\nfull_page_writes = off\nmax_connections = 100\n`,
  );
  writeFileSync(log, '');
  if (isRoot) chownSync(log, ...(await postgresIds()));

  let port = 0;
  const pgCtl = (args: string[]) => asOwner(join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const start = async () => {
    await pgCtl(['-l', log, '-o', `-p ${port}`, '-w', '-t', '60', 'start']);
  };
  // Another process may take the port between the probe and the start: try a few.
  let lastError: unknown;
  for (let i = 0; i < 5; i++) {
    port = await freePort();
    try {
      await start();
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (lastError) {
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    running: () => running,
    stop: async (mode) => {
      await pgCtl(['-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    start: async () => {
      await start();
      running = true;
    },
    destroy: async () => {
      if (running) await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}
