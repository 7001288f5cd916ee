import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../errors.js';

export interface HealthOptions {
  database: Pick<Database, 'ping' | 'target'>;
  version: string;
}

/** Load balancers and the IT person ask this; it is healthy only when the database answers. */
export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, { database, version }) => {
  app.get('/healthz', async (_request, reply) => {
    const started = performance.now();
    try {
      await database.ping(2000);
      return {
        status: 'ok',
        version,
        database: { kind: database.target.kind, status: 'ok', latencyMs: Math.round(performance.now() - started) },
      };
    } catch (error) {
      reply.status(503).header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return { status: 'error', version, database: { kind: database.target.kind, status: 'unreachable', error: (error as Error).message } };
    }
  });
};
