import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticate, canSeeDepartment, CROSS_DEPARTMENT_ROLES, login, logout, type StaffPrincipal } from '../../auth/sessions.js';
import { getCaseDetail, listCases } from '../../cases/queries.js';
import { CaseDetailView, CaseSummaryView } from '../../cases/views.js';
import { bearerToken } from '../../channels/web/verify.js';
import type { Db } from '../../db/client.js';
import { recordAudit } from '../../auth/audit.js';
import type { ChannelModule } from '../../channels/channel.js';
import { Forbidden, NotFound } from '../../errors.js';

export interface StaffApiOptions {
  db: Db;
  sessionTtlMs: number;
  /** Channels linked to an account (WhatsApp Web): admins read how the link is doing. */
  channels?: ReadonlyArray<Pick<ChannelModule, 'name' | 'linkStatus'>>;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffPrincipal;
  }
}

const LoginBody = z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1000) });

/** Staff endpoints. Authentication lives only inside this plugin; the citizen-facing routes are its siblings. */
export const staffApiPlugin: FastifyPluginAsync<StaffApiOptions> = async (plugin, { db, sessionTtlMs, channels = [] }) => {
  const app = plugin.withTypeProvider<ZodTypeProvider>();

  // Accounts also lock after five failures; this limit keeps one address from trying many accounts.
  app.post('/api/auth/login', { bodyLimit: 4096, config: { rateLimit: { max: 30, timeWindow: 60_000 } }, schema: { body: LoginBody } }, async (request) => {
    const session = await login(db, request.body.email, request.body.password, sessionTtlMs);
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: session.user };
  });

  app.register(async (authed) => {
    authed.decorateRequest('staff', undefined);
    authed.addHook('onRequest', async (request) => {
      request.staff = await authenticate(db, bearerToken(request.headers.authorization));
    });
    const routes = authed.withTypeProvider<ZodTypeProvider>();
    const staffOf = (request: FastifyRequest) => request.staff!;

    routes.post('/api/auth/logout', async (request, reply) => {
      await logout(db, bearerToken(request.headers.authorization)!);
      return reply.status(204).send();
    });

    routes.get('/api/auth/me', async (request) => ({ user: staffOf(request) }));

    for (const channel of channels) {
      const linkStatus = channel.linkStatus?.bind(channel);
      if (!linkStatus) continue;
      // For the admin who links the office phone: the QR as text, SVG and PNG, and how the link is doing.
      routes.get(`/api/staff/${channel.name}/qr`, async (request, reply) => {
        if (staffOf(request).role !== 'admin') throw new Forbidden();
        reply.header('cache-control', 'no-store');
        return linkStatus();
      });
    }

    routes.get(
      '/api/cases',
      {
        schema: {
          querystring: z.object({ folio: z.string().trim().toUpperCase().max(40).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.object({ cases: z.array(CaseSummaryView) }) },
        },
      },
      async (request) => {
        const staff = staffOf(request);
        const departmentId = CROSS_DEPARTMENT_ROLES.includes(staff.role) ? undefined : (staff.departmentId ?? -1);
        const rows = await listCases(db, { folio: request.query.folio, departmentId, limit: request.query.limit });
        return { cases: rows };
      },
    );

    routes.get(
      '/api/cases/:id',
      { schema: { params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }), response: { 200: z.object({ case: CaseDetailView }) } } },
      async (request) => {
      const staff = staffOf(request);
      const detail = await getCaseDetail(db, request.params.id);
      // Another department's case answers exactly like a missing one: folios are not enumerable.
      if (!detail || !canSeeDepartment(staff, detail.departmentId)) throw new NotFound('error.case_not_found');
      await recordAudit(db, { staffUserId: staff.id, action: 'case.viewed', subjectType: 'case', subjectId: detail.id, ip: request.ip });
      return { case: detail };
    },
    );
  });
};
