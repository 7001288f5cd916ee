export interface Backoff {
  /** The wait after the first failure. */
  baseMs: number;
  /** No wait grows past this. */
  maxMs: number;
}

/**
 * How long to wait after the `failures`-th failure in a row (1 for the first): `baseMs`, then
 * doubling, capped at `maxMs`. Every retry in Ventanilla (jobs, channel connections, polling)
 * waits by this one rule, so a platform that is down is retried alike everywhere.
 */
export function backoff(failures: number, { baseMs, maxMs }: Backoff): number {
  const doublings = Math.min(Math.max(0, failures - 1), 30);
  return Math.min(maxMs, baseMs * 2 ** doublings);
}
