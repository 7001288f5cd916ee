import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDepartmentRole, worksEveryDepartment } from '../../auth/roles.js';
import { LoginThrottle } from '../../auth/login-throttle.js';
import { canSeeDepartment, login, logout, type StaffPrincipal } from '../../auth/sessions.js';
import { changeStaffUser, createStaffUser, listStaffUsers, NewStaffUser, StaffUserChange } from '../../auth/staff-admin.js';
import { actOnCase, CaseAction } from '../../cases/actions.js';
import { caseDeadline } from '../../cases/deadline-view.js';
import {
  CallbackOutcome,
  callbacksOfCase,
  listCallbacks,
  logCallbackAttempt,
  markCallbackMessageSent,
  requestCallback,
} from '../../cases/callbacks.js';
import {
  CategoryChange,
  CategoryInput,
  changeCategory,
  changeDepartment,
  createCategory,
  createDepartment,
  DepartmentChange,
  DepartmentInput,
  listCategories,
  listDepartments,
} from '../../cases/catalog-admin.js';
import type { FollowUpChannels } from '../../cases/follow-up/citizen-message.js';
import { OpenFromConversationInput, openCaseFromConversation, OpenOnBehalfInput, openCaseOnBehalf } from '../../cases/open-on-behalf.js';
import type { CaseSettings } from '../../cases/open-case.js';
import type { RegistrationField } from '../../citizens/registration.js';
import { caseStats, StatsQuery } from '../../cases/stats.js';
import {
  getCaseAttachment,
  getCaseDetail,
  getCasePage,
  listCases,
  listTray,
  otherCasesOfCitizen,
  TrayFilter,
} from '../../cases/read-model.js';
import { CaseDetailView, CaseSummaryView } from '../../cases/views.js';
import { closeConversation, handBackConversation, replyInConversation, takeOverConversation } from '../../conversations/handoff.js';
import { conversationsOfCitizen, getConversationView, listInbox } from '../../conversations/inbox.js';
import type { Db } from '../../db/client.js';
import { recordAudit, shownIds } from '../../auth/audit.js';
import type { ChannelModule } from '../../channels/channel.js';
import { eraseCitizen } from '../../citizens/erase.js';
import { confirmProposal, pendingProposals, rejectProposal } from '../../citizens/merge.js';
import { citizenTimeline } from '../../citizens/timeline.js';
import { clusterOf, joinCaseByHand, splitCase } from '../../cases/cluster-actions.js';
import { Forbidden, InvalidInput, NotFound, TooManyRequests, Unauthorized } from '../../errors.js';
import type { Locale } from '../../i18n/index.js';
import type { LiveUpdates } from './console/live.js';
import { clearSessionCookie, csrfTokenFor, requireRole, sessionTokenOf, setSessionCookie, staffAuth, staffOf } from './staff-auth.js';

export interface StaffApiOptions {
  db: Db;
  sessionTtlMs: number;
  secureCookies: boolean;
  locale: Locale;
  caseSettings: CaseSettings;
  /** The phone centre's registration fields Abrir caso asks for (CITIZEN_REGISTRATION_FIELDS); none when absent. */
  registrationFields?: readonly RegistrationField[];
  live: LiveUpdates;
  now: () => Date;
  /** Channels a case opened on behalf of a citizen can be answered on (email when a sender exists). */
  followUp: FollowUpChannels;
  /** Channels linked to an account (WhatsApp Web): admins read how the link is doing. */
  channels?: ReadonlyArray<Pick<ChannelModule, 'name' | 'linkStatus'>>;
}

const LoginBody = z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1000) });
const CaseId = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const ConversationId = z.object({ id: z.uuid() });
const CitizenId = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const NumericId = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

const OPERATOR_ROLES: readonly StaffPrincipal['role'][] = ['admin', 'coordinador', 'operador'];

/**
 * The one staff API: the console's under /api/staff, and the first scripts' API under /api/auth
 * and /api/cases. One authentication (a bearer token or the console's cookie, see staff-auth.ts),
 * and every action authorized here by role and department. The logins are its only public routes.
 */
export const staffApiPlugin: FastifyPluginAsync<StaffApiOptions> = async (plugin, options) => {
  const { db, live, now } = options;
  const app = plugin.withTypeProvider<ZodTypeProvider>();

  const throttle = new LoginThrottle(now);
  /** One login for both routes: throttled per email and address, the same answers for every refusal (see sessions.ts). */
  async function throttledLogin({ email, password }: z.infer<typeof LoginBody>, ip: string, reply: FastifyReply) {
    const wait = throttle.waitMs(email, ip);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new TooManyRequests('error.login_throttled');
    }
    try {
      const session = await login(db, email, password, options.sessionTtlMs);
      throttle.succeeded(email, ip);
      return session;
    } catch (error) {
      if (error instanceof Unauthorized) throttle.failed(email, ip);
      throw error;
    }
  }

  app.post(
    '/api/staff/login',
    { bodyLimit: 4096, config: { rateLimit: { max: 30, timeWindow: 60_000 } }, schema: { body: LoginBody } },
    async (request, reply) => {
      const session = await throttledLogin(request.body, request.ip, reply);
      setSessionCookie(reply, session.token, session.expiresAt, options.secureCookies);
      return { user: session.user, csrfToken: csrfTokenFor(session.token), expiresAt: session.expiresAt.toISOString() };
    },
  );

  // Scripts: the token in the body, no cookie. The route limit keeps one address from trying many accounts quickly.
  app.post(
    '/api/auth/login',
    { bodyLimit: 4096, config: { rateLimit: { max: 30, timeWindow: 60_000 } }, schema: { body: LoginBody } },
    async (request, reply) => {
      const session = await throttledLogin(request.body, request.ip, reply);
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: session.user };
    },
  );

  app.register(async (authed) => {
    staffAuth(authed, db);
    const routes = authed.withTypeProvider<ZodTypeProvider>();
    /** Every view of citizens' personal data (a case, a list of cases, a transcript, an export) leaves an audit line. */
    const audit = (request: FastifyRequest, action: string, subjectType: string, subjectId: string | number) =>
      recordAudit(db, { staffUserId: staffOf(request).id, action, subjectType, subjectId, ip: request.ip });

    // The scripts' API (issue 3): session, and cases by folio with their detail.
    routes.post('/api/auth/logout', async (request, reply) => {
      await logout(db, sessionTokenOf(request).token!);
      return reply.status(204).send();
    });
    routes.get('/api/auth/me', async (request) => ({ user: staffOf(request) }));

    for (const channel of options.channels ?? []) {
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
          querystring: z.object({
            folio: z.string().trim().toUpperCase().max(40).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: z.object({ cases: z.array(CaseSummaryView) }) },
        },
      },
      async (request) => {
        const staff = staffOf(request);
        const departmentId = worksEveryDepartment(staff.role) ? undefined : (staff.departmentId ?? -1);
        const found = await listCases(db, { folio: request.query.folio, departmentId, limit: request.query.limit });
        await audit(request, 'cases.listed', 'case', shownIds(found.map((c) => c.id)));
        return { cases: found };
      },
    );
    routes.get('/api/cases/:id', { schema: { params: CaseId, response: { 200: z.object({ case: CaseDetailView }) } } }, async (request) => {
      const staff = staffOf(request);
      const detail = await getCaseDetail(db, request.params.id);
      // Another department's case answers exactly like a missing one: folios are not enumerable.
      if (!detail || !canSeeDepartment(staff, detail.departmentId)) throw new NotFound('error.case_not_found');
      await audit(request, 'case.viewed', 'case', detail.id);
      return { case: detail };
    });

    // The console (issue 7).

    routes.get('/api/staff/me', async (request) => ({ user: staffOf(request), csrfToken: csrfTokenFor(sessionTokenOf(request).token!) }));

    routes.post('/api/staff/logout', async (request, reply) => {
      await logout(db, sessionTokenOf(request).token!);
      clearSessionCookie(reply, options.secureCookies);
      return reply.status(204).send();
    });

    /** What the forms need: departments, categories, and who can hold a case in the person's department. */
    routes.get('/api/staff/reference', async (request) => {
      const staff = staffOf(request);
      const users = await listStaffUsers(db);
      return {
        registrationFields: options.registrationFields ?? [],
        departments: (await listDepartments(db)).filter((d) => d.active).map((d) => ({ id: d.id, name: d.name })),
        categories: (await listCategories(db))
          .filter((c) => c.active)
          .map((c) => ({ code: c.code, name: c.name, departmentId: c.departmentId, defaultType: c.defaultType })),
        holders: users
          .filter((u) => u.active && isDepartmentRole(u.role))
          .filter((u) => OPERATOR_ROLES.includes(staff.role) || u.departmentId === staff.departmentId)
          .map((u) => ({ id: u.id, name: u.name, role: u.role, departmentId: u.departmentId })),
      };
    });

    routes.get('/api/staff/tray', { schema: { querystring: TrayFilter } }, async (request) => {
      const at = now();
      const rows = await listTray(db, staffOf(request), request.query, at);
      await audit(request, 'tray.viewed', 'case', shownIds(rows.map((c) => c.id)));
      return { now: at.toISOString(), cases: rows };
    });

    /** Statistics: admins and coordinators, every department; department staff, their own (see caseStats). */
    routes.get('/api/staff/stats', { schema: { querystring: StatsQuery } }, async (request) => ({
      stats: await caseStats(db, staffOf(request), request.query, now()),
    }));

    routes.get('/api/staff/cases/:id', { schema: { params: CaseId } }, async (request) => {
      const staff = staffOf(request);
      const page = await getCasePage(db, staff, request.params.id);
      if (!page) throw new NotFound('error.case_not_found');
      await audit(request, 'case.viewed', 'case', page.id);
      // Birth date, sex and the like are read by fewer people than the case; each reading is its own line.
      if (page.citizen && 'registration' in page.citizen) await audit(request, 'citizen.registration_viewed', 'citizen', page.citizen.id);
      const at = now();
      const deadline = options.caseSettings.terms ? await caseDeadline(db, options.caseSettings.terms, page, at) : null;
      // The citizen's other cases, of the departments this person may see; their conversations, to those who work the inbox.
      const citizenCases = page.citizen ? await otherCasesOfCitizen(db, staff, page.citizen.id, page.id) : [];
      const citizenConversations =
        page.citizen && OPERATOR_ROLES.includes(staff.role) ? await conversationsOfCitizen(db, page.citizen.id) : [];
      return {
        now: at.toISOString(),
        case: {
          ...page,
          deadline,
          callbacks: await callbacksOfCase(db, page.id),
          citizenCases,
          citizenConversations,
          cluster: await clusterOf(db, page.id),
        },
      };
    });

    routes.post('/api/staff/cases/:id/actions', { schema: { params: CaseId, body: CaseAction } }, async (request) => {
      const result = await actOnCase(
        db,
        staffOf(request),
        request.params.id,
        request.body,
        now(),
        options.locale,
        options.followUp,
        options.caseSettings.terms,
      );
      live.publish({ type: 'case.changed', caseId: result.caseId });
      return { result };
    });

    // Clusters of reports (issue 20): staff split a wrongly joined report, or join two of one problem by hand.
    routes.post('/api/staff/cases/:id/cluster/split', { schema: { params: CaseId } }, async (request) => {
      await splitCase(db, staffOf(request), request.params.id, now());
      live.publish({ type: 'case.changed', caseId: request.params.id });
      return { ok: true };
    });
    routes.post(
      '/api/staff/cases/:id/cluster/join',
      { schema: { params: CaseId, body: z.object({ folio: z.string().trim().min(1).max(40) }) } },
      async (request) => {
        const joined = await joinCaseByHand(
          db,
          staffOf(request),
          request.params.id,
          request.body.folio,
          { folioPrefix: options.caseSettings.folioPrefix, channels: options.followUp ?? { email: false }, locale: options.locale },
          now(),
        );
        live.publish({ type: 'case.changed', caseId: request.params.id });
        return { joined };
      },
    );

    // Call-backs (issue 8): the operators' list and reports, asking for one, and logging each call.
    const calendar = () => {
      if (!options.caseSettings.terms) throw new Error('the follow-up calendar is not configured');
      return options.caseSettings.terms.calendar;
    };
    routes.get(
      '/api/staff/callbacks',
      {
        schema: {
          querystring: z.object({
            departmentId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
            // "Mis llamadas" (issue 17): only those assigned to the signed-in person.
            mine: z.enum(['1', 'true']).optional(),
          }),
        },
      },
      async (request) => {
        const staff = staffOf(request);
        const lists = await listCallbacks(db, staff, request.query.departmentId, request.query.mine ? staff.id : undefined);
        const caseIds = new Set([...lists.open, ...lists.voicemailReport, ...lists.communicationsOffice].map((c) => c.caseId));
        await audit(request, 'callbacks.viewed', 'case', shownIds(caseIds));
        return { now: now().toISOString(), ...lists };
      },
    );
    routes.post(
      '/api/staff/cases/:id/callbacks',
      { schema: { params: CaseId, body: z.object({ reason: z.string().trim().max(2000).optional() }) } },
      async (request) => {
        const callback = await db.transaction((tx) =>
          requestCallback(tx, staffOf(request), request.params.id, request.body.reason || null, now(), calendar()),
        );
        live.publish({ type: 'case.changed', caseId: request.params.id });
        return { callback };
      },
    );
    routes.post(
      '/api/staff/callbacks/:id/attempts',
      { schema: { params: NumericId, body: z.object({ outcome: CallbackOutcome, note: z.string().trim().max(2000).optional() }) } },
      async (request) => {
        const step = await logCallbackAttempt(
          db,
          staffOf(request),
          request.params.id,
          request.body.outcome,
          request.body.note || null,
          now(),
          calendar(),
        );
        return { step };
      },
    );
    // Issue 18: the SMS the rules left to a person (no gateway configured) is marked sent, closing the call-back.
    routes.post('/api/staff/callbacks/:id/message-sent', { schema: { params: NumericId } }, async (request) => {
      const staff = requireRole(request, OPERATOR_ROLES);
      const callback = await markCallbackMessageSent(db, staff, request.params.id, now());
      live.publish({ type: 'case.changed', caseId: callback.caseId });
      return { callback: { id: callback.id, status: callback.status, nextAction: callback.nextAction } };
    });

    routes.get(
      '/api/staff/cases/:id/attachments/:attachmentId',
      { schema: { params: CaseId.extend({ attachmentId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }) } },
      async (request, reply) => {
        const staff = staffOf(request);
        const file = await getCaseAttachment(db, staff, request.params.id, request.params.attachmentId);
        if (!file) throw new NotFound();
        await audit(request, 'attachment.viewed', 'case', request.params.id);
        const name = (file.filename ?? `adjunto-${request.params.attachmentId}`).replace(/[^\w.-]+/g, '_');
        // Stored types are sniffed from the bytes at upload; images may show inline, nothing else does.
        const inline = /^image\/(jpeg|png|gif|webp)$/.test(file.contentType);
        return reply
          .type(file.contentType)
          .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${name}"`)
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(file.data));
      },
    );

    // From a conversation (its citizen, channel and link) or on behalf of someone who called or came in.
    routes.post('/api/staff/cases', { schema: { body: z.union([OpenFromConversationInput, OpenOnBehalfInput]) } }, async (request) => {
      const body = request.body;
      const opened =
        'conversationId' in body
          ? await openCaseFromConversation(db, requireRole(request, OPERATOR_ROLES), body, options.caseSettings, now())
          : await openCaseOnBehalf(
              db,
              staffOf(request),
              body,
              { ...options.caseSettings, registrationFields: options.registrationFields },
              now(),
            );
      live.publish({ type: 'case.changed', caseId: opened.case.id });
      return { case: { id: opened.case.id, folio: opened.case.folio } };
    });

    // Conversations inbox: operators, coordinators and admins.
    routes.get('/api/staff/conversations', async (request) => {
      requireRole(request, OPERATOR_ROLES);
      const at = now();
      const inbox = await listInbox(db, at);
      await audit(request, 'inbox.viewed', 'conversation', shownIds(inbox.map((c) => c.id)));
      return { now: at.toISOString(), conversations: inbox };
    });
    routes.get('/api/staff/conversations/:id', { schema: { params: ConversationId } }, async (request) => {
      const staff = requireRole(request, OPERATOR_ROLES);
      const view = await getConversationView(db, request.params.id);
      if (!view) throw new NotFound('error.conversation_not_found');
      await audit(request, 'conversation.viewed', 'conversation', request.params.id);
      // The citizen's cases, so an operator sees what they already reported before opening another.
      const citizenCases = await otherCasesOfCitizen(db, staff, view.citizenId, 0);
      return { now: now().toISOString(), conversation: { ...view, citizenCases } };
    });
    const conversationAction = (path: string, act: typeof takeOverConversation) =>
      routes.post(`/api/staff/conversations/:id/${path}`, { schema: { params: ConversationId } }, async (request) => {
        const staff = requireRole(request, OPERATOR_ROLES);
        const row = await act(db, request.params.id, staff, now());
        live.publish({ type: 'conversation.changed', conversationId: row.id });
        return { conversation: { id: row.id, status: row.status } };
      });
    conversationAction('take-over', takeOverConversation);
    conversationAction('hand-back', handBackConversation);
    conversationAction('close', closeConversation);
    routes.post(
      '/api/staff/conversations/:id/reply',
      { schema: { params: ConversationId, body: z.object({ text: z.string().trim().min(1).max(4000) }) } },
      async (request) => {
        const staff = requireRole(request, OPERATOR_ROLES);
        const message = await replyInConversation(db, request.params.id, staff, request.body.text, now());
        live.publish({ type: 'conversation.changed', conversationId: request.params.id });
        return { message: { id: message.id } };
      },
    );

    // Administration: admins only. Each resource is listed, created and changed the same way.
    const ADMIN: readonly StaffPrincipal['role'][] = ['admin'];
    function adminResource<C extends z.ZodType, U extends z.ZodType, R>(
      path: string,
      names: { one: string; many: string },
      schemas: { create: C; change: U },
      ops: {
        list(db: Db): Promise<R[]>;
        create(db: Db, input: z.output<C>): Promise<R>;
        change(db: Db, id: number, input: z.output<U>): Promise<R>;
      },
    ) {
      const url = `/api/staff/admin/${path}`;
      routes.get(url, async (request) => (requireRole(request, ADMIN), { [names.many]: await ops.list(db) }));
      routes.post(url, { schema: { body: schemas.create } }, async (request) => {
        requireRole(request, ADMIN);
        // The schema validated the body; the provider's type does not follow a generic schema.
        return { [names.one]: await ops.create(db, request.body as z.output<C>) };
      });
      routes.patch(`${url}/:id`, { schema: { params: NumericId, body: schemas.change } }, async (request) => {
        requireRole(request, ADMIN);
        return { [names.one]: await ops.change(db, request.params.id, request.body as z.output<U>) };
      });
    }
    adminResource(
      'users',
      { one: 'user', many: 'users' },
      { create: NewStaffUser, change: StaffUserChange },
      { list: listStaffUsers, create: createStaffUser, change: changeStaffUser },
    );
    adminResource(
      'departments',
      { one: 'department', many: 'departments' },
      { create: DepartmentInput, change: DepartmentChange },
      { list: listDepartments, create: createDepartment, change: changeDepartment },
    );
    adminResource(
      'categories',
      { one: 'category', many: 'categories' },
      { create: CategoryInput, change: CategoryChange },
      { list: listCategories, create: createCategory, change: changeCategory },
    );

    // Erasure on a citizen's request (issue 16): the confirmation repeats the id, so a slip of the wrong number erases nobody.
    routes.post(
      '/api/staff/citizens/:id/erase',
      { schema: { params: CitizenId, body: z.object({ confirm: z.coerce.number().int() }) } },
      async (request) => {
        const staff = requireRole(request, ADMIN);
        if (request.body.confirm !== request.params.id) throw new InvalidInput('error.erase_confirmation');
        const erasure = await eraseCitizen(db, {
          citizenId: request.params.id,
          staffUserId: staff.id,
          ip: request.ip,
          locale: options.locale,
          now: now(),
        });
        return { erasure: { ...erasure, erasedAt: erasure.erasedAt.toISOString() } };
      },
    );

    // One citizen across channels (issue 20): records that share a verified phone or email, for a person to join or keep apart.
    routes.get('/api/staff/citizens/merge-proposals', async (request) => {
      requireRole(request, OPERATOR_ROLES);
      const proposals = await pendingProposals(db);
      if (proposals.length > 0)
        await audit(request, 'citizen.merge_proposals_viewed', 'citizen', shownIds(proposals.flatMap((p) => [p.citizen.id, p.other.id])));
      return { proposals };
    });
    routes.get('/api/staff/citizens/:id/timeline', { schema: { params: CitizenId } }, async (request) => {
      requireRole(request, OPERATOR_ROLES);
      const timeline = await citizenTimeline(db, request.params.id);
      if (!timeline) throw new NotFound('error.citizen_not_found');
      await audit(request, 'citizen.timeline_viewed', 'citizen', request.params.id);
      return timeline;
    });
    for (const [path, decide] of [
      ['confirm', confirmProposal],
      ['reject', rejectProposal],
    ] as const)
      routes.post(`/api/staff/citizens/merge-proposals/:id/${path}`, { schema: { params: CaseId } }, async (request) => {
        const staff = requireRole(request, OPERATOR_ROLES);
        const merged = await decide(db, request.params.id, { id: staff.id, ip: request.ip }, now());
        return { ok: true, ...(merged ?? {}) };
      });

    routes.get('/api/staff/events', async (request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      reply.raw.write(': hola\n\n');
      const unsubscribe = live.subscribe((event) => reply.raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
      // Proxies close idle streams; a comment line every 25 s keeps this one open.
      const ping = setInterval(() => reply.raw.write(': ping\n\n'), 25_000);
      const release = live.hold(() => reply.raw.end());
      request.raw.on('close', () => {
        clearInterval(ping);
        unsubscribe();
        release();
      });
    });
  });
};
