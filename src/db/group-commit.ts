import type { Db, Tx } from './client.js';

export interface GroupCommitOptions {
  db: Db;
  /**
   * Batches that may commit at the same time, each on its own connection. Work with the same key
   * always goes to the same lane, so one conversation is never in two open batches at once.
   */
  lanes: number;
  /** The most units of work one transaction carries. */
  maxBatch: number;
}

interface Pending<T = unknown> {
  work: (tx: Tx) => Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Group commit: units of work that arrive while a lane's transaction is busy wait for it and then
 * share the next one, so a burst of messages pays for one durable commit (one WAL flush, one
 * BEGIN and COMMIT) instead of one each. Nobody waits for a timer: an idle lane starts at once,
 * and each caller is answered only after the commit that carries its work. If a shared
 * transaction fails — one unit threw, a deadlock, a lost connection — nothing of it remains, and
 * each unit is run again alone, so one bad unit fails only itself.
 */
export class GroupCommit {
  private readonly queues: Pending[][];
  private readonly busy: boolean[];

  constructor(private readonly options: GroupCommitOptions) {
    this.queues = Array.from({ length: Math.max(1, options.lanes) }, () => []);
    this.busy = this.queues.map(() => false);
  }

  run<T>(key: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const lane = laneOf(key, this.queues.length);
    return new Promise<T>((resolve, reject) => {
      this.queues[lane]!.push({ work, resolve, reject } as Pending);
      if (!this.busy[lane]) void this.drain(lane);
    });
  }

  private async drain(lane: number): Promise<void> {
    this.busy[lane] = true;
    const queue = this.queues[lane]!;
    try {
      while (queue.length > 0) await this.commit(queue.splice(0, this.options.maxBatch));
    } finally {
      this.busy[lane] = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.options.db.transaction(async (tx) => {
          const done: unknown[] = [];
          for (const unit of batch) done.push(await unit.work(tx));
          return done;
        });
        for (const [i, unit] of batch.entries()) unit.resolve(results[i]);
        return;
      } catch {
        // Rolled back as a whole: each unit gets a transaction of its own and its own outcome.
      }
    }
    for (const unit of batch) {
      try {
        unit.resolve(await this.options.db.transaction(unit.work));
      } catch (error) {
        unit.reject(error);
      }
    }
  }
}

/** FNV-1a: cheap, stable, and spreads conversation ids evenly over a few lanes. */
function laneOf(key: string, lanes: number): number {
  if (lanes === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}
