// @ts-check
// What every console page shares: strings, session state, the DOM helper, the API wrapper and formatting.
// Every value reaches the page through textContent (never innerHTML).

/** @typedef {import('./types').Attrs} Attrs */
/** @typedef {import('./types').Child} Child */
/** @typedef {import('./types').Reference} Reference */
/** @typedef {import('./types').User} User */
/** @typedef {import('./types').Role} Role */

/** @type {Record<string, string>} */
const S = JSON.parse(document.getElementById('strings')?.textContent ?? '{}');

const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{(?:[^{}]|\{\w+\})*\})+)\s*\}/g;
const BRANCH = /(=\d+|zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/g;
const pluralRules = new Intl.PluralRules(document.documentElement.lang || 'es');

/**
 * The catalogue's plural `{n, plural, one {# caso} other {# casos}}`, as src/i18n/message-format.ts reads it
 * on the server (this file cannot import it; keep the two alike).
 * @param {string} name @param {string} body @param {Record<string, string | number>} params
 */
function plural(name, body, params) {
  /** @type {Record<string, string>} */
  const branches = {};
  for (const [, category, text] of body.matchAll(BRANCH)) branches[/** @type {string} */ (category)] = /** @type {string} */ (text);
  const n = Number(params[name]);
  const chosen = Number.isFinite(n) ? (branches[`=${n}`] ?? branches[pluralRules.select(n)] ?? branches.other) : branches.other;
  return (chosen ?? '').replace(/#/g, String(params[name]));
}

/**
 * A string of the console's catalogue (console.* first, then error.* and the rest), with plurals and {name} filled in.
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export const tr = (key, params = {}) =>
  (S['console.' + key] ?? S[key] ?? key)
    .replace(PLURAL, (m, /** @type {string} */ name, /** @type {string} */ body) => (name in params ? plural(name, body, params) : m))
    .replace(/\{(\w+)\}/g, (m, /** @type {string} */ k) => (k in params ? String(params[k]) : m));

/**
 * The session and the page being shown; `refresh` redraws the current page (live updates call it).
 * @type {{ user: User | null, csrf: string, ref: Reference | null, refresh: (() => Promise<unknown>) | null }}
 */
export const state = { user: null, csrf: '', ref: null, refresh: null };

/** @param {Node} parent @param {Child} child */
function appendChild(parent, child) {
  if (Array.isArray(child)) for (const c of child) appendChild(parent, c);
  else if (child === null || child === undefined || child === false) return;
  else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') {
      if (k.startsWith('on')) el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    } else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  appendChild(el, children);
  return el;
}

export class ApiError extends Error {
  /** @param {number} status @param {unknown} body */
  constructor(status, body) {
    const error =
      body && typeof body === 'object' && 'error' in body ? /** @type {{ error?: { message?: string } }} */ (body).error : undefined;
    super(error?.message ?? String(status));
    this.status = status;
  }
}

/** The message to show for anything a page's action threw. @param {unknown} error */
export const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/**
 * A call to the staff API: JSON both ways, the CSRF token on every change, and back to the login on 401.
 * The caller names the answer's shape.
 * @template [T=unknown]
 * @param {'GET' | 'POST' | 'PATCH'} method
 * @param {string} url
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
export async function api(method, url, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = state.csrf;
  /** @type {RequestInit} */
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(url, init);
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && !url.endsWith('/login')) {
    state.user = null;
    location.hash = '#/login';
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** The staff, departments and categories every page may name; fetched once per session. */
export async function reference() {
  if (state.ref) return state.ref;
  /** @type {Reference} */
  const ref = await api('GET', '/api/staff/reference');
  state.ref = ref;
  return ref;
}

const lang = () => document.documentElement.lang;
/** The last day to answer: a business-day term ends at midnight after it. @param {string | null | undefined} iso */
export const fmtDay = (iso) => (iso ? new Date(new Date(iso).getTime() - 1).toLocaleDateString(lang(), { dateStyle: 'medium' }) : '');
/** @param {string | null | undefined} iso */
export const fmtDate = (iso) => (iso ? new Date(iso).toLocaleString(lang(), { dateStyle: 'short', timeStyle: 'short' }) : '');
export const DAY = 86_400_000;
/** @param {number | Date} a @param {number | Date} b */
export const daysBetween = (a, b) => Math.floor((Number(b) - Number(a)) / DAY);
/** @param {...Role} roles */
export const hasRole = (...roles) => state.user !== null && roles.includes(state.user.role);
/** Roles that see every department. */
export const isCross = () => hasRole(...CROSS_DEPARTMENT_ROLES);

/** @param {'ok' | 'warn' | 'error'} kind @param {Child} text */
export function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** @param {string} label @param {Child} control */
export function field(label, control) {
  return h('label', {}, label, control);
}

/** A select's options: "any" first, then each value with its translated label. @param {string} label @param {readonly string[]} values @param {string} prefix */
export const anyOf = (label, values, prefix) =>
  /** @type {[string, string][]} */ ([['', label], ...values.map((v) => [v, tr(prefix + v)])]);

/**
 * A list page's filter form: submitting it moves to `route` with the filled fields in the hash.
 * @param {string} route e.g. '#/bandeja' @param {...Child} children
 */
export function filterForm(route, ...children) {
  const form = h(
    'form',
    {
      class: 'panel filters',
      'aria-label': tr('tray.filters'),
      onsubmit: (e) => {
        e.preventDefault();
        const query = new URLSearchParams();
        for (const [k, v] of new FormData(/** @type {HTMLFormElement} */ (form))) if (v) query.set(k, String(v));
        location.hash = `${route}?${query.toString()}`;
      },
    },
    ...children,
  );
  return form;
}

/**
 * @param {string} name
 * @param {readonly (readonly [string | number, string])[]} options value and text of each option
 * @param {string | number | null | undefined} value
 * @param {Attrs} [attrs]
 */
export function select(name, options, value, attrs = {}) {
  return h(
    'select',
    { name, ...attrs },
    options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text)),
  );
}

/** A form field's text ('' when absent or a file). @param {FormData} form @param {string} name */
export const text = (form, name) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/** A page's status line: "saved" when `fn` succeeds, its error otherwise. @param {HTMLElement} status @param {() => Promise<unknown>} fn */
export async function guarded(status, fn) {
  try {
    await fn();
    status.replaceChildren(notice('ok', tr('saved')));
  } catch (error) {
    status.replaceChildren(notice('error', messageOf(error)));
  }
}

// The server's lists (the browser cannot load its TypeScript), each typed as the server's own
// tuple: a value missing, added, misspelt or out of order fails the type check.
/** @type {typeof import('../src/cases/case-type.js').CASE_TYPES} */
export const TYPES = ['queja', 'solicitud_informacion', 'sugerencia', 'reporte'];
/** @type {typeof import('../src/cases/case-type.js').CASE_STATUSES} */
export const STATUSES = ['nuevo', 'recepcionado', 'en_seguimiento', 'escalado', 'cerrado', 'no_procede'];
/** @type {typeof import('../src/cases/case-type.js').FINAL_STATUSES} */
export const FINAL_STATUSES = ['cerrado', 'no_procede'];
/** @type {typeof import('../src/messages/inbound.js').CHANNELS} */
export const CHANNELS = ['web', 'telegram', 'whatsapp', 'email', 'sms', 'telefono', 'presencial', 'visita', 'redes', 'open311'];
/** @type {typeof import('../src/messages/inbound.js').OFFLINE_CHANNELS} */
export const OFFLINE_CHANNELS = ['telefono', 'presencial', 'visita', 'redes'];
/** @type {typeof import('../src/auth/roles.js').STAFF_ROLES} */
export const ROLES = ['admin', 'coordinador', 'operador', 'responsable', 'encargado', 'experto'];
/** @type {typeof import('../src/auth/roles.js').CROSS_DEPARTMENT_ROLES} */
const CROSS_DEPARTMENT_ROLES = ['admin', 'coordinador', 'operador'];
/** @type {typeof import('../src/cases/callback-steps.js').CALLBACK_OUTCOMES} */
export const CALLBACK_OUTCOMES = ['no_answer', 'voicemail', 'wrong_number', 'reached'];
/** @param {import('./types').CaseStatus} status */
export const isFinal = (status) => FINAL_STATUSES.some((s) => s === status);

/**
 * Who a conversation is with: the citizen's name when known, and the identity the channel gives
 * (a WhatsApp number, a Telegram user, an address); two "Ciudadano" rows are never alike.
 * @param {import('./types').ConversationParty} c
 */
export function identityOf(c) {
  if (c.channel === 'whatsapp') return tr('conv.identity.whatsapp', { id: '+' + c.channelUserId });
  if (c.channel === 'telegram') return tr('conv.identity.telegram', { id: c.channelUserId });
  if (c.channel === 'email') return tr('conv.identity.email', { id: c.channelUserId });
  if (c.channel === 'web') return tr('conv.identity.web');
  return tr('channel.' + c.channel);
}

/** How long a conversation has waited for a person, in words. @param {string} since @param {string} now */
export function waitingFor(since, now) {
  const minutes = Math.max(0, Math.floor((new Date(now).getTime() - new Date(since).getTime()) / 60_000));
  if (minutes < 60) return tr('conv.waiting_min', { n: minutes });
  if (minutes < 24 * 60) return tr('conv.waiting_hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
  return tr('conv.waiting_days', { n: Math.floor(minutes / (24 * 60)) });
}

/** A citizen's cases, folio first, newest first. @param {import('./types').CitizenCase[]} cases @param {string} empty */
export function citizenCasesList(cases, empty) {
  if (cases.length === 0) return h('p', { class: 'muted' }, empty);
  return h(
    'ul',
    { class: 'plain' },
    cases.map((k) =>
      h(
        'li',
        {},
        h('a', { href: `#/caso/${k.id}` }, k.folio),
        ' ',
        h('span', { class: 'badge' }, tr('status.' + k.status)),
        ' ',
        `${tr('type.' + k.type)} · ${k.category}`,
        ' ',
        h('span', { class: 'muted' }, fmtDate(k.createdAt)),
      ),
    ),
  );
}
