import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit, shownIds } from '../../auth/audit.js';
import type { StaffPrincipal } from '../../auth/sessions.js';
import { QueryDate } from '../../cases/query-date.js';
import { trayExport, TrayExportFilter } from '../../cases/tray-export.js';
import { listWrongNumbers, wrongNumbersTable } from '../../cases/wrong-numbers.js';
import type { CatalogueSearch } from '../../catalogue/catalogue.js';
import type { Db } from '../../db/client.js';
import type { Locale } from '../../i18n/index.js';
import {
  CONTENT_TYPES,
  localDay,
  type Row,
  TABULAR_FORMATS,
  type TabularExport,
  type TabularFormat,
  writeTabular,
} from '../../reports/tabular-export.js';
import {
  AttentionQuery,
  attentionRegisterExport,
  attentionRegisterPage,
  type RegisterSettings,
} from '../../understanding/attention-register.js';
import { requireRole, staffAuth, staffOf } from './staff-auth.js';

export interface ExportApiOptions {
  db: Db;
  locale: Locale;
  timeZone: string;
  now: () => Date;
  catalogue: CatalogueSearch;
}

/** Who reads attention figures, as in understanding-api.ts: the register is the same log, one by one. */
const COORDINATORS: readonly StaffPrincipal['role'][] = ['admin', 'coordinador'];

/** Who works the call-backs (as in staff-api.ts); department staff among them see their department's only. */
const CALLBACK_ROLES: readonly StaffPrincipal['role'][] = ['admin', 'coordinador', 'operador'];

const WrongNumbersQuery = z.object({ since: QueryDate.optional(), until: QueryDate.optional() });

const RegisterEntryView = z.object({
  id: z.string(),
  at: z.date(),
  date: z.string(),
  time: z.string(),
  channel: z.string(),
  kind: z.string(),
  procedure: z.string().nullable(),
  caseId: z.number().nullable(),
  folio: z.string().nullable(),
  outcome: z.string(),
});

/**
 * Issue 17's exports: the tray as XLSX or CSV (the tray's filters and scoping), and the attention
 * register, as a page and as files. Files are streamed while their rows are read, and each one
 * leaves an audit line once it ends: who, which filters, how many rows, and whether the download
 * was completed.
 */
export const exportApiPlugin: FastifyPluginAsync<ExportApiOptions> = async (plugin, { db, locale, timeZone, now, catalogue }) => {
  const register: RegisterSettings = { timeZone, locale, procedureName: (id) => catalogue.get(id)?.name };

  /** Sends `table` as a download, then audits it with the rows actually written. */
  function download(
    request: FastifyRequest,
    reply: FastifyReply,
    format: TabularFormat,
    name: string,
    table: TabularExport,
    audit: { action: string; subjectType: string },
  ) {
    const staff = staffOf(request);
    const body = new PassThrough();
    let rows = 0;
    async function* counted(source: AsyncIterable<Row>) {
      for await (const row of source) {
        rows++;
        yield row;
      }
    }
    writeTabular(format, body, { ...table, rows: counted(table.rows) })
      .then(
        () => true,
        (error: unknown) => {
          // The response is already under way: all that can be done is to cut it short, so the file is visibly broken.
          if (!body.destroyed) {
            request.log.error({ err: error }, 'export failed while streaming');
            body.destroy(error as Error);
          }
          return false;
        },
      )
      .then((complete) =>
        recordAudit(db, {
          staffUserId: staff.id,
          ...audit,
          subjectId: JSON.stringify({ format, filters: request.query, rows, complete }),
          ip: request.ip,
        }),
      )
      .catch((error: unknown) => request.log.error({ err: error }, 'export audit line not written'));
    return reply
      .type(CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${name}-${localDay(now(), timeZone)}.${format}"`)
      .header('cache-control', 'no-store')
      .send(body);
  }

  plugin.register(async (authed) => {
    staffAuth(authed, db);
    const routes = authed.withTypeProvider<ZodTypeProvider>();

    for (const format of TABULAR_FORMATS) {
      // Whoever sees the tray may export it: the same query, so a department sees only its own cases.
      routes.get(`/api/staff/cases/export.${format}`, { schema: { querystring: TrayExportFilter } }, async (request, reply) => {
        const table = trayExport(db, staffOf(request), request.query, now(), { locale, timeZone });
        return download(request, reply, format, 'bandeja', table, { action: 'tray.exported', subjectType: 'case' });
      });

      routes.get(`/api/staff/attention/export.${format}`, { schema: { querystring: AttentionQuery } }, async (request, reply) => {
        requireRole(request, COORDINATORS);
        return download(request, reply, format, 'registro-atenciones', attentionRegisterExport(db, request.query, register), {
          action: 'attention.exported',
          subjectType: 'attention_log',
        });
      });

      // Issue 18: the wrong-number list, for the communications office; citizens' names and phones, so audited as an export.
      routes.get(`/api/staff/callbacks/wrong-numbers.${format}`, { schema: { querystring: WrongNumbersQuery } }, async (request, reply) => {
        const staff = requireRole(request, CALLBACK_ROLES);
        const rows = await listWrongNumbers(db, { staff, since: request.query.since, until: request.query.until });
        return download(request, reply, format, 'numeros-equivocados', wrongNumbersTable(rows, locale, timeZone), {
          action: 'wrong_numbers.exported',
          subjectType: 'case',
        });
      });
    }

    routes.get(
      '/api/staff/attention',
      {
        schema: {
          querystring: AttentionQuery,
          response: { 200: z.object({ entries: z.array(RegisterEntryView), next: z.string().nullable() }) },
        },
      },
      async (request) => {
        const staff = requireRole(request, COORDINATORS);
        const page = await attentionRegisterPage(db, request.query, register);
        // Folios lead to citizens' cases: who saw which attentions is kept, like every list of cases.
        await recordAudit(db, {
          staffUserId: staff.id,
          action: 'attention.viewed',
          subjectType: 'attention_log',
          subjectId: shownIds(page.entries.map((e) => e.id)),
          ip: request.ip,
        });
        return page;
      },
    );
  });
};
