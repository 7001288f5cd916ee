import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../auth/audit.js';
import type { StaffPrincipal } from '../../auth/sessions.js';
import { addDays, type BusinessCalendar } from '../../calendar/business-calendar.js';
import type { CatalogueSearch } from '../../catalogue/catalogue.js';
import type { Db } from '../../db/client.js';
import { t, type Locale } from '../../i18n/index.js';
import { buildDashboard, dashboardTables, DashboardQuery } from '../../reports/dashboard.js';
import { renderMonthlyReport } from '../../reports/monthly-pdf.js';
import { tablesToXlsx } from '../../reports/xlsx.js';
import { requireRole, staffAuth } from './staff-auth.js';

export interface ReportsApiOptions {
  db: Db;
  calendar: BusinessCalendar;
  catalogue: CatalogueSearch;
  municipalityName: string;
  locale: Locale;
  now: () => Date;
}

/** Operators work conversations, not departments: they have no figures (as with /api/staff/stats). */
const FIGURE_READERS: readonly StaffPrincipal['role'][] = ['admin', 'coordinador', 'responsable', 'encargado', 'experto'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const MonthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
});

/**
 * The coordinator's figures (issue 17): the dashboard as JSON, every table of it as a
 * spreadsheet, and the mayor's office monthly report as a PDF. Department staff get their own
 * department's; the files say who downloaded which period in the audit log.
 */
export const reportsApiPlugin: FastifyPluginAsync<ReportsApiOptions> = async (plugin, options) => {
  const { db, calendar, catalogue, locale, now } = options;
  const dashboardOf = (staff: StaffPrincipal, query: DashboardQuery) =>
    buildDashboard(db, staff, query, { calendar, catalogue, now: now() });
  /** The audit line's subject: the period and the filters, so "who took the figures of March" is answerable. */
  const subjectOf = (query: DashboardQuery) =>
    [`${query.from ?? ''}..${query.to ?? ''}`, query.departmentId && `dep:${query.departmentId}`, query.type, query.channel]
      .filter(Boolean)
      .join(' ');

  plugin.register(async (authed) => {
    staffAuth(authed, db);
    const routes = authed.withTypeProvider<ZodTypeProvider>();

    routes.get('/api/staff/dashboard', { schema: { querystring: DashboardQuery } }, async (request) => {
      const staff = requireRole(request, FIGURE_READERS);
      return { dashboard: await dashboardOf(staff, request.query) };
    });

    routes.get('/api/staff/stats/export.xlsx', { schema: { querystring: DashboardQuery } }, async (request, reply) => {
      const staff = requireRole(request, FIGURE_READERS);
      const dashboard = await dashboardOf(staff, request.query);
      const file = await tablesToXlsx(dashboardTables(dashboard, locale), {
        title: `${t(locale, 'console.stats.title')} ${dashboard.fromDay} – ${dashboard.toDay}`,
        creator: options.municipalityName,
        created: now(),
      });
      await recordAudit(db, {
        staffUserId: staff.id,
        action: 'stats.exported',
        subjectType: 'stats',
        subjectId: subjectOf({ ...request.query, from: dashboard.fromDay, to: dashboard.toDay }),
        ip: request.ip,
      });
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="estadisticas-${dashboard.fromDay}-${dashboard.toDay}.xlsx"`)
        .header('cache-control', 'no-store')
        .send(file);
    });

    routes.get('/api/staff/reports/monthly.pdf', { schema: { querystring: MonthQuery } }, async (request, reply) => {
      const staff = requireRole(request, FIGURE_READERS);
      const at = now();
      const month = request.query.month ?? calendar.localDate(at).slice(0, 7);
      const first = `${month}-01`;
      const last = addDays(addDays(first, 31).slice(0, 8) + '01', -1);
      const dashboard = await dashboardOf(staff, DashboardQuery.parse({ from: first, to: last, granularity: 'day' }));
      const pdf = await renderMonthlyReport({ dashboard, month, municipality: options.municipalityName, locale, generatedAt: at });
      await recordAudit(db, {
        staffUserId: staff.id,
        action: 'report.monthly_downloaded',
        subjectType: 'stats',
        subjectId: month,
        ip: request.ip,
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="informe-mensual-${month}.pdf"`)
        .header('cache-control', 'no-store')
        .send(Buffer.from(pdf));
    });
  });
};
