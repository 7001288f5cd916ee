import type { ClaimedJob } from './job.js';

/** A handler throws this to try again later without counting it as a failure. */
export class JobDeferred extends Error {
  override name = 'JobDeferred';
  constructor(
    readonly until: Date,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * A failed run that knows better than the back-off: `permanent` gives up at once (retrying will
 * not help), `retryAfterMs` is when the other side asked to be tried again.
 */
export class JobFailed extends Error {
  override name = 'JobFailed';
  constructor(
    message: string,
    readonly options: { permanent?: boolean; retryAfterMs?: number | undefined } = {},
  ) {
    super(message);
  }
}

export class LeaseLost extends Error {
  override name = 'LeaseLost';
  constructor(job: Pick<ClaimedJob, 'id' | 'kind'>) {
    super(`job ${job.id} (${job.kind}) was taken over by another instance`);
  }
}
