import pg from 'pg';

/**
 * Counts the statements this process sends to a PostgreSQL server (each `query` call on a
 * node-postgres client is one round trip), BEGIN and COMMIT included.
 */
export function countStatements(): { texts: string[]; stop(): void } {
  const texts: string[] = [];
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    texts.push(typeof first === 'string' ? first : String((first as { text?: string })?.text ?? ''));
    return original.apply(this, args);
  };
  return {
    texts,
    stop: () => {
      prototype.query = original;
    },
  };
}
