import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { formatFolio, localYear, normalizeFolio } from '../../cases/folio.js';
import { formatLongDate, isoLocalDate } from '../../cases/follow-up/dates.js';
import { type PublicCase, publicCaseByFolio, type PublicCaseSettings } from '../../cases/public-case.js';
import type { Executor } from '../../db/client.js';
import { TooManyRequests } from '../../errors.js';
import { escapeHtml } from '../../html.js';
import { type Locale, t } from '../../i18n/index.js';
import { sourceAsset } from '../../paths.js';
import { routePolicy } from '../security-headers.js';

export interface StatusPageOptions {
  db: Executor;
  locale: Locale;
  municipalityName: string;
  folioPrefix: string;
  timeZone: string;
  /** The dialog script's words for statuses and types: the page names them as the bot does. */
  labels: Pick<PublicCaseSettings, 'statusLabels' | 'typeLabels'>;
  /** Folios looked up per IP address per minute (STATUS_PAGE_LOOKUPS_PER_MINUTE). */
  lookupsPerMinute: number;
  now: () => Date;
}

const BASE = '/estado';
const STYLESHEET = `${BASE}/estado.css`;
/** Nothing runs and nothing is inline: one stylesheet from here, and the form submits to here. */
const PAGE_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** Where markup goes into a translated sentence that is escaped first. */
const SLOT = '\u0000';
/** Longer than any folio written with spaces; what is longer is not looked at. */
const MAX_INPUT = 40;

/**
 * The public status page of a folio (issue: "¿cómo va mi folio?" on the web). `GET /estado` is a
 * form, `GET /estado?folio=…` takes the folio in any form a citizen writes it and redirects to
 * `GET /estado/AC-2026-000123`, which shows what `publicCaseByFolio` gives and nothing else.
 * Folios are sequential and anyone can guess one, so the page shows nothing personal; the
 * per-address limit on look-ups only slows a walk along the sequence. An unknown folio and one
 * that is not a folio get the same 404, so the page tells nothing about forms that would exist.
 */
export const statusPagePlugin: FastifyPluginAsync<StatusPageOptions> = async (app, options) => {
  const { locale } = options;
  const settings: PublicCaseSettings = { locale, ...options.labels };
  const css = await readFile(sourceAsset('server', 'assets', 'estado.css'), 'utf8');
  const helmet = routePolicy(PAGE_CSP);
  const lookups = { rateLimit: { max: options.lookupsPerMinute, timeWindow: 60_000 } };
  const say = (key: Parameters<typeof t>[1], params?: Record<string, string>) => escapeHtml(t(locale, key, params));
  const example = () => formatFolio(options.folioPrefix, localYear(options.now(), options.timeZone), 123);

  // The limit's refusal, and only it, as a page; anything else goes on to the app's handler.
  app.setErrorHandler((error: FastifyError | TooManyRequests, _request, reply) => {
    if (!(error instanceof TooManyRequests)) throw error;
    return send(reply, 429, say('status_page.too_many_title'), [
      `<h1>${say('status_page.too_many_title')}</h1>`,
      `<p class="notice" role="alert">${say('status_page.too_many')}</p>`,
    ]);
  });

  app.get(STYLESHEET, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );

  app.get<{ Querystring: { folio?: string | string[] } }>(BASE, { helmet }, async (request, reply) => {
    const given = request.query.folio;
    const typed = (Array.isArray(given) ? given[0] : given)?.trim() ?? '';
    if (typed === '') return send(reply, 200, say('status_page.title'), [`<h1>${say('status_page.title')}</h1>`, form()]);
    const folio = typed.length <= MAX_INPUT ? normalizeFolio(typed, options.folioPrefix) : null;
    if (!folio) return notFound(reply);
    return reply.redirect(`${BASE}/${encodeURIComponent(folio)}`, 303);
  });

  app.get(`${BASE}/`, { helmet }, async (_request, reply) => reply.redirect(BASE, 301));

  app.get<{ Params: { folio: string } }>(`${BASE}/:folio`, { helmet, config: lookups }, async (request, reply) => {
    const typed = request.params.folio;
    const folio = typed.length <= MAX_INPUT ? normalizeFolio(typed, options.folioPrefix) : null;
    if (!folio) return notFound(reply);
    if (folio !== typed) return reply.redirect(`${BASE}/${encodeURIComponent(folio)}`, 301);
    const found = await publicCaseByFolio(options.db, folio, settings);
    if (!found) return notFound(reply);
    return send(reply, 200, say('status_page.heading', { folio }), casePage(found));
  });

  function notFound(reply: FastifyReply) {
    return send(reply, 404, say('status_page.not_found_title'), [
      `<h1>${say('status_page.not_found_title')}</h1>`,
      `<p class="notice" role="alert">${say('status_page.not_found', { ejemplo: example() })}</p>`,
      form(),
    ]);
  }

  function form(): string {
    return `<form class="lookup" method="get" action="${BASE}" role="search">
<p>${say('status_page.intro')}</p>
<label for="folio">${say('status_page.folio_label')}</label>
<input id="folio" name="folio" type="text" required maxlength="${MAX_INPUT}" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="folio-hint">
<p id="folio-hint" class="hint">${say('status_page.folio_hint', { ejemplo: example() })}</p>
<button type="submit">${say('status_page.submit')}</button>
</form>`;
  }

  function casePage(c: PublicCase): string[] {
    const date = (at: Date) =>
      `<time datetime="${isoLocalDate(at, options.timeZone)}">${escapeHtml(formatLongDate(at, options.timeZone, locale))}</time>`;
    const row = (term: string, value: string) => `<div><dt>${term}</dt><dd>${value}</dd></div>`;
    // A business-day term ends at midnight after its last day: the instant before it names that day, as the bot says it.
    const due = date(new Date(c.dueAt.getTime() - 1));
    const dates = [
      row(say('status_page.opened'), date(c.openedAt)),
      ...(c.receivedAt ? [row(say('status_page.received'), date(c.receivedAt))] : []),
      row(say('status_page.due'), c.extended ? say('status_page.extended', { fecha: SLOT }).replace(SLOT, due) : due),
      ...(c.closedAt ? [row(say('status_page.closed'), date(c.closedAt))] : []),
    ];
    return [
      `<h1>${say('status_page.heading', { folio: c.folio })}</h1>`,
      `<section class="status status-${c.status}" aria-labelledby="status-label">
<p><span id="status-label" class="status-label">${say('status_page.status')}</span> <strong class="status-value">${escapeHtml(upperFirst(c.statusLabel))}</strong></p>
<p class="status-words">${escapeHtml(c.statusInWords)}</p>
</section>`,
      `<dl class="facts">${row(say('status_page.type'), escapeHtml(c.typeLabel))}${row(say('status_page.category'), escapeHtml(c.categoryName))}${row(say('status_page.department'), escapeHtml(c.departmentName))}</dl>`,
      `<h2>${say('status_page.dates')}</h2>`,
      `<dl class="facts dates">${dates.join('')}</dl>`,
      ...(c.closed ? [`<p class="notice">${say('status_page.closed_note')}</p>`] : []),
      `<p><a class="secondary" href="${BASE}">${say('status_page.another')}</a></p>`,
    ];
  }

  function send(reply: FastifyReply, status: number, title: string, parts: string[]) {
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .send(`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · ${escapeHtml(options.municipalityName)}</title>
<link rel="stylesheet" href="${STYLESHEET}">
</head>
<body>
<header class="top"><p class="municipality">${escapeHtml(options.municipalityName)}</p><p class="service">${say('status_page.title')}</p></header>
<main>
${parts.join('\n')}
</main>
<footer><p>${say('status_page.privacy')}</p><p><a href="/chat">${say('status_page.chat')}</a></p></footer>
</body>
</html>`);
  }
};

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
