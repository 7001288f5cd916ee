import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/**
 * PostgreSQL settings for the embedded database. PGlite's defaults give it 128 MB of shared
 * buffers in the process's own memory; a municipality's data is read through the operating
 * system's file cache anyway, so a smaller pool keeps the server small without slowing it.
 */
export const PGLITE_CONF = 'shared_buffers=32MB';

/** The contrib extensions the migrations create (the tray's search, migration 0014); PGlite loads them only when named. */
export const PGLITE_EXTENSIONS = { pg_trgm, unaccent };

/**
 * A migrated, empty database folder packed at build time (`npm run build`): a new folder is
 * unpacked from it in about a second instead of running initdb and every migration, which take
 * PGlite several seconds on a small machine. Without it (a source checkout never built) initdb runs.
 */
export const PGLITE_TEMPLATE = join(packageRoot, 'dist', 'pglite-template.tar.gz');

/** Plain CommonJS, so it runs in a bare `node` whatever loader the parent uses (tsx, vitest). */
const CREATE_DATA_DIR = `
const fs = require('node:fs');
const [pglite, dataDir, conf, template] = process.argv.slice(1);
const options = { dataDir, postgresqlconf: conf };
if (fs.existsSync(template)) options.loadDataDir = new Blob([fs.readFileSync(template)]);
require(pglite)
  .PGlite.create(options)
  .then((db) => db.close())
  .catch((error) => {
    console.error((error && error.stack) || error);
    process.exit(1);
  });`;

/**
 * Creates a new embedded data folder in a short-lived process. Creating one costs PGlite some
 * 450 MB it never gives back, even from a worker thread (unpacking the template about 130 MB);
 * from a process of its own it all goes when the process ends, and the server opens the ready
 * folder as on any later start.
 */
export async function createPgliteDataDir(
  dataDir: string,
  /** The packed folder to unpack (a backup's); the build's template by default. */
  template: string = PGLITE_TEMPLATE,
): Promise<void> {
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const child = spawn(process.execPath, ['-e', CREATE_DATA_DIR, pglite, dataDir, PGLITE_CONF, template], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`could not create the embedded database in ${dataDir}: ${errors.trim() || `exit ${code}`}`);
}

/** Packs a freshly migrated database as the template new data folders are unpacked from. */
export async function buildPgliteTemplate(migrationsFolder: string, path = PGLITE_TEMPLATE): Promise<number> {
  const client = await PGlite.create({ postgresqlconf: PGLITE_CONF, extensions: PGLITE_EXTENSIONS });
  try {
    await migrate(drizzle(client), { migrationsFolder });
    const packed = Buffer.from(await (await client.dumpDataDir('gzip')).arrayBuffer());
    writeFileSync(path, packed);
    return packed.byteLength;
  } finally {
    await client.close();
  }
}
