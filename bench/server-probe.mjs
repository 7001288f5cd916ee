// Preloaded into the Ventanilla process under test (`node --import ./bench/server-probe.mjs`): it
// measures from inside what cannot be seen from outside — event-loop delay, statements sent to
// PostgreSQL, memory — and answers the bench over the IPC channel. Nothing in src/ knows of it.
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
let statements = 0;
try {
  const pg = createRequire(import.meta.url)('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    statements += 1;
    return query.apply(this, args);
  };
} catch {
  // Without pg there is nothing to count (PGlite only).
}

process.on('message', (message) => {
  if (message === 'reset') {
    loop.reset();
    statements = 0;
    process.send?.({ reset: true });
  } else if (message === 'read') {
    globalThis.gc?.();
    process.send?.({
      loopMaxMs: loop.max / 1e6,
      loopP99Ms: loop.percentile(99) / 1e6,
      statements,
      rssBytes: process.memoryUsage().rss,
      cpuMicros: process.cpuUsage().user + process.cpuUsage().system,
    });
  }
});
