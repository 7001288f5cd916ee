/**
 * What an error may carry into the logs. Database errors hold citizens' words: drizzle's
 * "Failed query" message ends with the query's parameters (a message text, a name, a phone) and
 * keeps them in `params`; PostgreSQL quotes offending values in its messages and in `detail`
 * ("Key (email)=(ana@…) already exists"). Logs go to files and services with looser access than
 * the database, so only named, value-free fields of an error are written, and quoted values and
 * parameter lists are cut from messages and stacks.
 */

/** Fields of an error that name things (tables, constraints, codes) but never hold a value. */
const SAFE_FIELDS = ['code', 'statusCode', 'severity', 'table', 'column', 'constraint', 'routine', 'schema', 'dataType'] as const;
const MAX_CAUSE_DEPTH = 5;

export interface LoggedError {
  type: string;
  message: string;
  /** Empty when the error had none (pino's shape wants the field). */
  stack: string;
  cause?: LoggedError;
  [field: string]: unknown;
}

/**
 * A message without the values in it: drizzle's is the SQL text (identifiers and placeholders)
 * and then "params: …", cut off, with any inlined literal blanked; PostgreSQL's quotes the
 * offending value, blanked unless it is one of the names the error itself gives (`known`).
 */
export function redactErrorMessage(message: string, known: ReadonlySet<string> = new Set()): string {
  if (message.startsWith('Failed query: ')) return message.replace(/\nparams: [\s\S]*$/, '').replace(/'(?:[^']|'')*'/g, "'…'");
  return message.replace(/"[^"]*"/g, (quoted) => {
    const inside = quoted.slice(1, -1);
    return known.has(inside) || isSnakeCaseName(inside) ? quoted : '"…"';
  });
}

/** Constraint and column names are lower-case snake case; other quoted words may be a citizen's. */
const isSnakeCaseName = (text: string) => /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(text);

/** The pino serializer for `err`: the error's kind, redacted message and stack, value-free fields, and its causes. */
export function serializeErrorForLog(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: '[not an Error]', stack: '' };
  const fields: Record<string, string | number> = {};
  for (const field of SAFE_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') fields[field] = value;
  }
  const names = new Set(Object.values(fields).filter((v): v is string => typeof v === 'string'));
  const message = redactErrorMessage(error.message, names);
  const stack = error.stack ? redactStack(error.stack, error.name, message) : '';
  const logged: LoggedError = { type: error.constructor?.name ?? error.name, message, stack, ...fields };
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) logged.cause = serializeErrorForLog(error.cause, depth + 1);
  return logged;
}

/** A stack starts with "Name: message" (the raw message, with the values): that head is replaced by the redacted one. */
function redactStack(stack: string, name: string, message: string): string {
  const frames = stack.indexOf('\n    at ');
  return `${name}: ${message}${frames >= 0 ? stack.slice(frames) : ''}`;
}
