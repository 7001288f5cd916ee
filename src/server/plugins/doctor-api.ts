import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import { configResults, runChecks } from '../../doctor/checks.js';
import { requireRole, staffAuth } from './staff-auth.js';

export interface DoctorApiOptions {
  config: Readonly<Config>;
  database: Database;
}

const CheckResult = z.object({
  id: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  message: z.string(),
  fix: z.string().optional(),
});

/**
 * The console's Diagnóstico page (issue 21): the checks of `ventanilla doctor`, run by this
 * server on its own database connection. Admins only: the answers name servers and accounts.
 */
export const doctorApiPlugin: FastifyPluginAsync<DoctorApiOptions> = async (plugin, { config, database }) => {
  plugin.register(async (authed) => {
    staffAuth(authed, database.db);
    const routes = authed.withTypeProvider<ZodTypeProvider>();
    routes.get(
      '/api/staff/doctor',
      { schema: { response: { 200: z.object({ checkedAt: z.string(), checks: z.array(CheckResult) }) } } },
      async (request) => {
        requireRole(request, ['admin']);
        const checks = [...configResults(config.locale, []), ...(await runChecks(config, { database }))];
        return { checkedAt: new Date().toISOString(), checks };
      },
    );
  });
};
