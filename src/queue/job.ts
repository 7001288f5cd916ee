import type { Db, Tx } from '../db/client.js';
import type { Backoff } from '../backoff.js';
import type { JobPayload } from './payload.js';

export interface ClaimedJob {
  id: number;
  kind: string;
  key: string;
  payload: JobPayload;
  runAt: Date;
  /** 1 on the first run; more means an earlier run may have done part of the work before it died. */
  attempt: number;
}

export interface JobContext {
  db: Db;
  /** The queue's clock (injected in tests): what "now" means for this run. */
  now: Date;
  /**
   * Marks the job done inside the handler's own transaction, so its effects and its completion
   * commit together. Throws (rolling the transaction back) if another instance took the job over
   * because this run outlived its lease.
   */
  finish(tx: Tx): Promise<void>;
}

export type JobHandler = (job: ClaimedJob, context: JobContext) => Promise<void>;

/** What the queue knows of one kind of job: how to run it and how to treat its failures. */
export interface JobKind {
  run: JobHandler;
  /** Jobs of this kind run side by side within a pass (they share nothing but the database). */
  concurrent?: boolean;
  /** A run not finished within this is presumed dead and the job becomes claimable again. */
  leaseMs?: number;
  maxAttempts?: number;
  retry?: Backoff;
  /** Told once, when a job of this kind failed for good. */
  gaveUp?(job: ClaimedJob, error: unknown, context: { db: Db; now: Date }): Promise<void>;
}

/** A bare handler is a kind with the defaults. */
export function jobKind(kind: JobHandler | JobKind): JobKind {
  return typeof kind === 'function' ? { run: kind } : kind;
}
