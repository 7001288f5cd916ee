import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUse extends Error {
  override name = 'DataDirInUse';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded database belongs to one process: a second `npm start` on the same folder would
 * corrupt it. A pid file left by a crashed process (its pid no longer alive) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'ventanilla.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new DataDirInUse(
          `${dataDir} is in use by process ${owner}; stop it first or use another DATA_DIR (several instances need DATABASE_URL)`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataDirInUse(`could not lock ${dataDir}`);
}
