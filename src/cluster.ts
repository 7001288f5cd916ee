import cluster from 'node:cluster';
import { backoff } from './backoff.js';

/**
 * Runs `count` Ventanilla processes sharing one port (node:cluster). Each is a whole instance —
 * the queue, the follow-up and the channels included — as several instances on one PostgreSQL
 * already are, so nothing is shared but the database. A process that dies is started again;
 * SIGTERM or SIGINT stops them all.
 */
export function superviseWorkers(count: number, log: (line: string) => void): void {
  let stopping = false;
  let restarts = 0;
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    restarts += 1;
    log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, backoff(restarts, { baseMs: 500, maxMs: 30_000 })).unref();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < count; i++) fork();
}
