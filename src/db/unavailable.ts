/**
 * Whether an error means "the database is not there right now" (stopped, restarting, unreachable,
 * out of connections) rather than "this request is wrong": the first is worth a 503 and a retry,
 * the second is a bug. Drizzle wraps driver errors in its own, so causes are followed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some(isConnectionFailure);
}

/** Socket-level failures Node reports while connecting to or talking with the server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server going away or not taking sessions: class 08 (connection exception),
 * 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now: starting or in recovery) and
 * 53300 (too many connections, typically right after a restart while clients reconnect).
 */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;

/** What node-postgres says when the socket closes or the pool cannot get a connection in time. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /is not queryable/,
  /timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
  /^Cannot use a pool after calling end/,
];

function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true;
  return DRIVER_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** The error, its causes, and the members of aggregate errors (a refused connection to every address of a host). */
function causes(error: unknown, seen = new Set<unknown>()): unknown[] {
  if (error === null || error === undefined || seen.has(error)) return [];
  seen.add(error);
  const found: unknown[] = [error];
  if (error instanceof AggregateError) for (const member of error.errors) found.push(...causes(member, seen));
  if (error instanceof Error && 'cause' in error) found.push(...causes(error.cause, seen));
  return found;
}
