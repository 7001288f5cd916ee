import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * PostgreSQL settings for the embedded database. PGlite's defaults give it 128 MB of shared
 * buffers in the process's own memory; a municipality's data is read through the operating
 * system's file cache anyway, so a smaller pool keeps the server small without slowing it.
 */
export const PGLITE_CONF = 'shared_buffers=32MB';

/** Plain CommonJS, so it runs in a bare `node` whatever loader the parent uses (tsx, vitest). */
const CREATE_DATA_DIR = `
const [pglite, dataDir, conf] = process.argv.slice(1);
require(pglite)
  .PGlite.create({ dataDir, postgresqlconf: conf })
  .then((db) => db.close())
  .catch((error) => {
    console.error((error && error.stack) || error);
    process.exit(1);
  });`;

/**
 * Creates a new embedded data folder (initdb) in a short-lived process. Creating one costs PGlite
 * some 450 MB it never gives back, even from a worker thread; from a process of its own it all
 * goes when the process ends, and the server opens the ready folder as on any later start.
 */
export async function createPgliteDataDir(dataDir: string): Promise<void> {
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const child = spawn(process.execPath, ['-e', CREATE_DATA_DIR, pglite, dataDir, PGLITE_CONF], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`could not create the embedded database in ${dataDir}: ${errors.trim() || `exit ${code}`}`);
}
