import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

/** Milliseconds from spawning `node dist/main.js` (what `npm start` runs) to a 200 from /healthz. */
async function timeToHealthy(dataDir: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: packageRoot,
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD: 'benchmark-password',
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      if (performance.now() - started > 120_000) throw new Error('not healthy after 120 s');
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function benchStartup(runs = 3): Promise<Record<string, string>> {
  if (!existsSync(join(packageRoot, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first');
  const dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-bench-'));
  try {
    const first = await timeToHealthy(dataDir, 3910);
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) warm.push(await timeToHealthy(dataDir, 3911 + i));
    warm.sort((a, b) => a - b);
    return {
      'start → healthy, empty DATA_DIR (creates database, migrates, seeds)': `${Math.round(first)} ms`,
      [`start → healthy, existing DATA_DIR (median of ${runs})`]: `${Math.round(warm[Math.floor(warm.length / 2)]!)} ms`,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
