import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { verifyAcknowledgementToken } from '../../cases/follow-up/acknowledgement-link.js';
import { loadCaseSheet } from '../../cases/follow-up/case-sheet.js';
import { formatDateTime } from '../../cases/follow-up/dates.js';
import type { FollowUpDeps } from '../../cases/follow-up/follow-up.js';
import { recordAudit } from '../../auth/audit.js';
import { escapeHtml } from '../../html.js';
import { acknowledgeRoutingSheet, routingSheetRows } from '../../cases/follow-up/routing-sheet.js';
import { departments, routingSheets } from '../../db/schema.js';
import { t } from '../../i18n/index.js';
import { routePolicy } from '../security-headers.js';

export interface AcknowledgementOptions {
  deps: FollowUpDeps;
  now: () => Date;
}

/**
 * `/acuse/<token>`: the link in a routing sheet. GET shows the case and a form and never records
 * anything, because mail security scanners open links by themselves; the POST of the form records
 * who acknowledged and when. The signed token is the only credential, so there is no session.
 */
export const acknowledgementPlugin: FastifyPluginAsync<AcknowledgementOptions> = async (app, { deps, now }) => {
  const { db, locale } = deps;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  // Its one stylesheet is inline, and its one form posts back to itself.
  const helmet = routePolicy("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  app.get<{ Params: { token: string } }>('/acuse/:token', { helmet }, async (request, reply) =>
    page(reply, request.params.token, 'view', undefined, request.ip),
  );
  app.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>('/acuse/:token', { helmet }, async (request, reply) =>
    page(reply, request.params.token, 'confirm', (request.body?.name ?? '').trim().slice(0, 120), request.ip),
  );

  async function page(reply: FastifyReply, token: string, mode: 'view' | 'confirm', name: string | undefined, ip: string) {
    const at = now();
    const check = verifyAcknowledgementToken(deps.linkSecret, token, at);
    if (!check.ok)
      return send(reply, check.reason === 'expired' ? 410 : 403, [
        `<p class="err">${escapeHtml(t(locale, check.reason === 'expired' ? 'follow_up.ack.expired' : 'follow_up.ack.forged'))}</p>`,
      ]);
    const [sheet] = await db.select().from(routingSheets).where(eq(routingSheets.id, check.sheetId)).limit(1);
    if (!sheet) return send(reply, 403, [`<p class="err">${escapeHtml(t(locale, 'follow_up.ack.forged'))}</p>`]);
    const caseSheet = (await loadCaseSheet(db, sheet.caseId))!;
    // The page shows the case (the citizen's name, the request, the place) to whoever holds the link.
    await recordAudit(db, { staffUserId: null, action: 'case.viewed_by_link', subjectType: 'case', subjectId: sheet.caseId, ip });
    const [department] = await db
      .select({ name: departments.name })
      .from(departments)
      .where(eq(departments.id, sheet.departmentId))
      .limit(1);
    const summary = `<table>${routingSheetRows(deps, caseSheet)
      .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
      .join(
        '',
      )}</table><h2>${escapeHtml(t(locale, 'follow_up.sheet.request'))}</h2><p class="req">${escapeHtml(caseSheet.description)}</p>`;
    const done = (by: string, when: Date, key: 'follow_up.ack.done' | 'follow_up.ack.already') =>
      `<p class="ok" role="status">${escapeHtml(t(locale, key, { by, date: formatDateTime(when, deps.calendar.timeZone, locale) }))}</p>`;

    if (sheet.acknowledgedAt)
      return send(reply, 200, [done(sheet.acknowledgedBy ?? '', sheet.acknowledgedAt, 'follow_up.ack.already'), summary]);
    if (caseSheet.departmentId !== sheet.departmentId)
      return send(reply, 200, [
        `<p>${escapeHtml(t(locale, 'follow_up.ack.superseded', { department: department?.name ?? '' }))}</p>`,
        summary,
      ]);
    if (mode === 'confirm' && name) {
      const recorded = await db.transaction((tx) => acknowledgeRoutingSheet(tx, sheet.id, name, ip, at));
      const [fresh] = await db.select().from(routingSheets).where(eq(routingSheets.id, sheet.id)).limit(1);
      return send(reply, 200, [
        done(fresh!.acknowledgedBy ?? name, fresh!.acknowledgedAt ?? at, recorded ? 'follow_up.ack.done' : 'follow_up.ack.already'),
        summary,
      ]);
    }
    const missing = mode === 'confirm' ? `<p class="err" role="alert">${escapeHtml(t(locale, 'follow_up.ack.name_required'))}</p>` : '';
    const form = `<form method="post">${missing}<p>${escapeHtml(t(locale, 'follow_up.ack.intro', { department: department?.name ?? '' }))}</p>
<label for="name">${escapeHtml(t(locale, 'follow_up.ack.name_label'))}</label><input id="name" name="name" required maxlength="120" autocomplete="name">
<button type="submit">${escapeHtml(t(locale, 'follow_up.ack.confirm'))}</button></form>`;
    return send(reply, mode === 'confirm' ? 400 : 200, [form, summary]);
  }

  function send(reply: FastifyReply, status: number, parts: string[]) {
    const title = t(locale, 'follow_up.ack.page_title');
    return reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(`<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,Arial,sans-serif;margin:0;background:#f4f5f7;color:#1d2733}header{background:#12355b;color:#fff;padding:14px 18px}header small{display:block;opacity:.85}main{max-width:720px;margin:16px auto;background:#fff;border:1px solid #d9dee5;padding:16px 20px}table{border-collapse:collapse;width:100%}th{text-align:left;color:#5b6776;font-weight:normal;width:34%;vertical-align:top;padding:4px}td{padding:4px;white-space:pre-wrap}form{background:#eef3f9;padding:12px;margin-bottom:16px}label{display:block;margin:8px 0 4px}input{box-sizing:border-box;width:100%;max-width:360px;padding:8px;font-size:16px}button{margin-top:10px;background:#12355b;color:#fff;border:0;padding:10px 16px;font-size:16px;border-radius:4px}.ok{background:#e6f4ea;padding:10px}.err{background:#fdecea;color:#8c1d18;padding:10px}.req{white-space:pre-wrap}</style></head>
<body><header><small>${escapeHtml(deps.municipalityName)}</small><strong>${escapeHtml(title)}</strong></header><main>${parts.join('\n')}</main></body></html>`);
  }
};
