// Ventanilla staff console: a small single-page app over /api/staff. Every text comes from the
// server's i18n catalogue; every value reaches the page through textContent (never innerHTML).
const S = JSON.parse(document.getElementById('strings').textContent);
const tr = (key, params = {}) => (S['console.' + key] ?? S[key] ?? key).replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));

const state = { user: null, csrf: '', ref: null, refresh: null };
const root = document.getElementById('app');

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? String(status));
    this.status = status;
  }
}

async function api(method, url, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = state.csrf;
  const res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && !url.endsWith('/login')) {
    state.user = null;
    location.hash = '#/login';
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** The last day to answer: a business-day term ends at midnight after it. */
const fmtDay = (iso) => (iso ? new Date(new Date(iso).getTime() - 1).toLocaleDateString(document.documentElement.lang, { dateStyle: 'medium' }) : '');
const fmtDate = (iso) => (iso ? new Date(iso).toLocaleString(document.documentElement.lang, { dateStyle: 'short', timeStyle: 'short' }) : '');
const DAY = 86_400_000;
const daysBetween = (a, b) => Math.floor((b - a) / DAY);
const isCross = () => ['admin', 'coordinador', 'operador'].includes(state.user?.role);

function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

function field(label, control) {
  return h('label', {}, label, control);
}

function select(name, options, value, attrs = {}) {
  return h('select', { name, ...attrs }, options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text)));
}

const TYPES = ['queja', 'solicitud_informacion', 'sugerencia', 'reporte'];
const STATUSES = ['nuevo', 'recepcionado', 'en_seguimiento', 'escalado', 'cerrado', 'no_procede'];
const CHANNELS = ['web', 'telegram', 'whatsapp', 'email', 'telefono', 'presencial', 'visita', 'redes'];
const ROLES = ['admin', 'coordinador', 'operador', 'responsable', 'encargado', 'experto'];

async function reference() {
  state.ref ??= await api('GET', '/api/staff/reference');
  return state.ref;
}

// ---------- layout ----------

let liveSource = null;
function connectLive(indicator) {
  liveSource?.close();
  liveSource = new EventSource('/api/staff/events');
  let timer = null;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(() => state.refresh?.(), 250);
  };
  for (const type of ['changed', 'case.changed', 'conversation.changed']) liveSource.addEventListener(type, refresh);
  liveSource.onopen = () => (indicator.textContent = tr('live.on'));
  liveSource.onerror = () => (indicator.textContent = tr('live.off'));
}

function shell(current, ...content) {
  const link = (hash, key) => h('a', { href: hash, 'aria-current': current === key ? 'page' : undefined }, tr(`nav.${key}`));
  const role = state.user.role;
  const indicator = h('span', { class: 'live', role: 'status' }, tr('live.off'));
  const header = h(
    'header',
    { class: 'top' },
    h('h1', {}, tr('title')),
    h(
      'nav',
      { 'aria-label': tr('nav.main') },
      link('#/bandeja', 'tray'),
      ['admin', 'coordinador', 'operador'].includes(role) && link('#/conversaciones', 'conversations'),
      link('#/llamadas', 'callbacks'),
      link('#/nuevo', 'new_case'),
      ['admin', 'coordinador'].includes(role) && link('#/atencion', 'attention'),
      role !== 'operador' && link('#/estadisticas', 'stats'),
      role === 'admin' && [link('#/admin/personal', 'users'), link('#/admin/dependencias', 'departments'), link('#/admin/categorias', 'categories'), link('#/admin/ejemplos', 'examples')],
    ),
    h(
      'div',
      { class: 'who' },
      indicator,
      h('span', {}, `${state.user.name} · ${tr('role.' + role)}`),
      h('button', { type: 'button', onclick: logout }, tr('logout')),
    ),
  );
  root.replaceChildren(header, h('main', { id: 'main' }, content));
  connectLive(indicator);
}

async function logout() {
  await api('POST', '/api/staff/logout').catch(() => {});
  state.user = null;
  liveSource?.close();
  location.hash = '#/login';
}

// ---------- login ----------

function loginView() {
  state.refresh = null;
  liveSource?.close();
  const status = h('div');
  const form = h(
    'form',
    { class: 'panel login', onsubmit: async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      try {
        const res = await api('POST', '/api/staff/login', { email: data.get('email'), password: data.get('password') });
        state.user = res.user;
        state.csrf = res.csrfToken;
        state.ref = null;
        location.hash = '#/bandeja';
      } catch (error) {
        status.replaceChildren(notice('error', error.message));
      }
    } },
    h('h2', {}, tr('login.title')),
    status,
    field(tr('login.email'), h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true, autofocus: true })),
    field(tr('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, tr('login.submit')),
  );
  root.replaceChildren(h('main', {}, form));
}

// ---------- tray ----------

async function trayView(params) {
  const ref = await reference();
  const filters = h(
    'form',
    { class: 'panel filters', 'aria-label': tr('tray.filters'), onsubmit: (e) => {
      e.preventDefault();
      const query = new URLSearchParams();
      for (const [k, v] of new FormData(e.target)) if (v) query.set(k, String(v));
      location.hash = '#/bandeja?' + query.toString();
    } },
    field(tr('filter.status'), select('status', [['', tr('any')], ...STATUSES.map((s) => [s, tr('status.' + s)])], params.get('status'))),
    field(tr('filter.type'), select('type', [['', tr('any')], ...TYPES.map((s) => [s, tr('type.' + s)])], params.get('type'))),
    field(tr('filter.category'), select('category', [['', tr('any')], ...ref.categories.map((c) => [c.code, c.name])], params.get('category'))),
    isCross() && field(tr('filter.department'), select('departmentId', [['', tr('any')], ...ref.departments.map((d) => [d.id, d.name])], params.get('departmentId'))),
    field(tr('filter.channel'), select('channel', [['', tr('any')], ...CHANNELS.map((c) => [c, tr('channel.' + c)])], params.get('channel'))),
    field(tr('filter.from'), h('input', { type: 'date', name: 'from', value: params.get('from') ?? '' })),
    field(tr('filter.to'), h('input', { type: 'date', name: 'to', value: params.get('to') ?? '' })),
    field(tr('filter.sort'), select('sort', [['newest', tr('sort.newest')], ['urgent', tr('sort.urgent')]], params.get('sort'))),
    h(
      'div',
      { class: 'checks' },
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'overdue', value: 'true', checked: params.get('overdue') === 'true' }), tr('filter.overdue')),
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'notReceived', value: 'true', checked: params.get('notReceived') === 'true' }), tr('filter.not_received')),
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'mine', value: 'true', checked: params.get('mine') === 'true' }), tr('filter.mine')),
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'pendingContact', value: 'true', checked: params.get('pendingContact') === 'true' }), tr('filter.pending_contact')),
    ),
    h('div', { class: 'checks' }, h('button', { type: 'submit' }, tr('filter.apply'))),
  );
  const results = h('div', {}, tr('loading'));
  shell('tray', h('h2', {}, tr('tray.title')), filters, results);

  state.refresh = async () => {
    const query = new URLSearchParams(params);
    if (query.get('to')) query.set('to', query.get('to') + 'T23:59:59');
    const { now, cases } = await api('GET', '/api/staff/tray?' + query.toString());
    const at = new Date(now).getTime();
    if (cases.length === 0) return results.replaceChildren(notice('warn', tr('tray.empty')));
    const rows = cases.map((c) => {
      const due = new Date(c.dueAt).getTime();
      const overdue = due < at;
      const left = Math.ceil((due - at) / DAY);
      return h(
        'tr',
        { class: overdue ? 'overdue' : undefined },
        h('td', {}, h('a', { href: `#/caso/${c.id}` }, c.folio), ' ', !c.receivedAt && h('span', { class: 'badge new' }, tr('tray.not_received')), ' ', c.pendingContact && h('span', { class: 'badge call' }, tr('tray.call'))),
        h('td', {}, tr('type.' + c.type)),
        h('td', {}, c.category),
        isCross() && h('td', {}, c.department),
        h('td', {}, c.citizenName ?? '—'),
        h('td', {}, tr('days.age', { n: daysBetween(new Date(c.createdAt).getTime(), at) })),
        h('td', { class: 'due' }, overdue ? tr('days.overdue', { n: Math.max(1, -left) }) : tr('days.left', { n: left })),
        h('td', {}, h('span', { class: 'badge' }, tr('status.' + c.status)), ' ', h('span', { class: 'muted' }, tr('level.' + c.assignedRole))),
      );
    });
    const head = ['folio', 'type', 'category', isCross() && 'department', 'citizen', 'age', 'days_left', 'status'].filter(Boolean);
    results.replaceChildren(
      h('p', { class: 'muted' }, tr('tray.count', { n: cases.length })),
      h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, head.map((k) => h('th', { scope: 'col' }, tr('col.' + k))))), h('tbody', {}, rows))),
    );
  };
  await state.refresh();
}

// ---------- case page ----------

function describeEvent(item, ref) {
  const d = item.data ?? {};
  const dept = (id) => ref.departments.find((x) => x.id === id)?.name ?? id;
  const category = (code) => ref.categories.find((x) => x.code === code)?.name ?? code ?? '';
  switch (item.type) {
    case 'case.derived':
      if (d.toDepartmentId) return `→ ${d.toDepartment ?? dept(d.toDepartmentId)}. ${d.note ?? ''}`;
      return `${tr('level.' + d.from)} → ${tr('level.' + d.to)}. ${d.note ?? ''}`;
    case 'case.derived_external':
      return `${d.organism} (${d.sentVia}). ${d.note ?? ''}`;
    case 'case.reclassified':
      return `${tr('type.' + d.fromType)} → ${tr('type.' + d.toType)}, ${category(d.toCategory)}. ${d.reason ?? ''}`;
    case 'case.status_changed':
      return `${tr('status.' + d.from)} → ${tr('status.' + d.to)}${d.note ? '. ' + d.note : ''}`;
    case 'case.note_added':
      return d.text;
    case 'case.replied':
      return d.text;
    case 'case.closed':
      return d.answer;
    case 'case.rejected':
      return d.reason;
    case 'case.answer_pending_contact':
      return callText(d);
    case 'case.citizen_contacted':
      return d.note;
    case 'case.opened':
      return `${tr('channel.' + d.channel)} · ${category(d.category)}`;
    case 'case.extended':
      return `${fmtDay(d.fromDueAt)} → ${fmtDay(d.toDueAt)}. ${d.reason ?? ''}`;
    case 'case.escalated':
      return tr('deadline.overdue_since', { date: fmtDay(d.dueAt) });
    case 'case.reopened':
      return tr('deadline.due_on', { date: fmtDay(d.dueAt) });
    case 'case.survey_answered':
      return d.solved ? tr('survey.rating', { n: d.rating }) : tr('survey.unsolved');
    case 'follow_up.routing_sheet_sent':
      return `${d.department ?? ''} · ${d.mailed ? d.to : tr('follow.not_mailed.' + (d.reason ?? 'mail_not_configured'))}`;
    case 'follow_up.acknowledged':
      return `${d.by} (${d.department ?? ''})`;
    case 'follow_up.acknowledgement_reminded':
    case 'follow_up.mail_sent':
    case 'follow_up.mail_failed':
    case 'follow_up.mail_resent':
      return [tr('mail.' + (d.kind ?? 'notice')), d.to, d.subject, d.error, d.note].filter(Boolean).join(' · ');
    case 'follow_up.acknowledgement_escalated':
      return (d.to ?? []).join(', ');
    case 'follow_up.deadline_warning':
      return `${d.percent}% · ${(d.to ?? []).join(', ')}`;
    case 'follow_up.citizen_notified':
      return `${tr('notice.' + d.about)} · ${d.channel ? tr('channel.' + d.channel) : tr('follow.not_sent')}`;
    case 'follow_up.survey_sent':
      return tr('channel.' + d.channel);
    case 'callback.requested':
    case 'callback.attempted':
    case 'callback.action_taken':
      return [d.outcome && tr('callback.outcome.' + d.outcome), d.nextAction && tr('callback.next.' + d.nextAction), d.nextActionAt && fmtDate(d.nextActionAt), d.note ?? d.reason].filter(Boolean).join(' · ');
    default:
      return '';
  }
}

function timelineList(page, ref) {
  return h(
    'ol',
    { class: 'timeline', 'aria-label': tr('case.timeline') },
    page.timeline.map((item) =>
      item.kind === 'message'
        ? h(
            'li',
            { class: `${item.direction} ${item.author}` },
            h('div', { class: 'meta' }, `${tr('author.' + item.author)} · ${tr('channel.' + item.channel)} · ${fmtDate(item.at)}`),
            h('div', { class: 'text' }, item.text || (item.location ? tr('case.location') : '')),
          )
        : h(
            'li',
            { class: 'event' },
            h('div', { class: 'meta' }, `${tr('event.' + item.type)} · ${item.actor ?? tr('author.' + item.actorKind)} · ${fmtDate(item.at)}`),
            h('div', { class: 'text' }, describeEvent(item, ref)),
          ),
    ),
  );
}

/** Results show in one status line above the actions: forms are rebuilt when the case moves on. */
function actionForm(title, fields, toAction, onDone, open = false) {
  const form = h(
    'form',
    { onsubmit: async (e) => {
      e.preventDefault();
      const flash = document.getElementById('flash');
      flash.replaceChildren();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await onDone(toAction(new FormData(form)));
        form.reset();
        flash.replaceChildren(notice('ok', tr('saved')));
      } catch (error) {
        flash.replaceChildren(notice('error', error.message));
      } finally {
        button.disabled = false;
      }
    } },
    fields,
    h('button', { type: 'submit' }, tr('action.submit')),
  );
  return h('details', { class: 'action', open }, h('summary', {}, title), form);
}

async function caseView(id) {
  const ref = await reference();
  const facts = h('div');
  const timeline = h('div', {}, tr('loading'));
  const actions = h('div');
  shell('tray', h('p', {}, h('a', { href: '#/bandeja' }, '← ' + tr('back'))), h('div', { class: 'case-layout' }, h('section', { class: 'panel', 'aria-labelledby': 'tl' }, h('h3', { id: 'tl' }, tr('case.timeline')), timeline), h('div', {}, facts, h('div', { id: 'flash' }), actions)));

  const act = async (action) => {
    await api('POST', `/api/staff/cases/${id}/actions`, action);
    await state.refresh();
  };
  let builtFor = '';
  state.refresh = async () => {
    const { now, case: c } = await api('GET', `/api/staff/cases/${id}`);
    const overdue = new Date(c.dueAt) < new Date(now) && !['cerrado', 'no_procede'].includes(c.status);
    const holder = ref.holders.find((u) => u.id === c.assignedUserId);
    facts.replaceChildren(
      c.pendingContact ? callPanel(c) : '',
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, c.folio, ' ', h('span', { class: 'badge' }, tr('status.' + c.status)), ' ', !c.receivedAt && h('span', { class: 'badge new' }, tr('tray.not_received')), ' ', overdue && h('span', { class: 'badge late' }, tr('days.overdue', { n: Math.max(1, daysBetween(new Date(c.dueAt), new Date(now))) }))),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, tr('col.type')), h('dd', {}, tr('type.' + c.type)),
          h('dt', {}, tr('col.category')), h('dd', {}, c.category.name),
          h('dt', {}, tr('case.department')), h('dd', {}, c.department),
          h('dt', {}, tr('case.holder')), h('dd', {}, tr('level.' + c.assignedRole), holder ? ` · ${holder.name}` : ''),
          h('dt', {}, tr('filter.channel')), h('dd', {}, tr('channel.' + c.channel)),
          h('dt', {}, tr('case.due')), h('dd', { class: overdue ? 'due' : undefined }, fmtDay(c.dueAt)),
          c.receivedAt && [h('dt', {}, tr('case.received_at')), h('dd', {}, fmtDate(c.receivedAt))],
          h('dt', {}, tr('case.description')), h('dd', {}, c.description),
        ),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h3', {}, tr('case.citizen')),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, tr('new.name')), h('dd', {}, c.citizen?.name ?? '—'),
          h('dt', {}, tr('new.phone')), h('dd', {}, c.citizen?.phone ?? '—'),
          h('dt', {}, tr('new.email')), h('dd', {}, c.citizen?.email ?? '—'),
          (c.address || c.latitude !== null) && [
            h('dt', {}, tr('case.location')),
            h('dd', {}, c.address ?? '', c.latitude !== null && [' ', h('a', { href: `https://www.openstreetmap.org/?mlat=${c.latitude}&mlon=${c.longitude}#map=18/${c.latitude}/${c.longitude}`, target: '_blank', rel: 'noopener noreferrer' }, tr('case.map'))]),
          ],
        ),
        h('h3', { class: 'spaced' }, tr('case.attachments')),
        c.attachments.length === 0
          ? h('p', { class: 'muted' }, tr('case.no_attachments'))
          : h('ul', {}, c.attachments.map((a) => h('li', {}, h('a', { href: `/api/staff/cases/${c.id}/attachments/${a.id}`, target: '_blank', rel: 'noopener' }, a.filename ?? `${a.kind} #${a.id}`), ` (${Math.ceil(a.sizeBytes / 1024)} KB)`))),
      ),
    );
    if (c.deadline) facts.append(deadlinePanel(c, now));
    timeline.replaceChildren(timelineList(c, ref));
    // Forms are rebuilt only when what they offer changes, so live updates do not erase typing.
    const key = `${c.status}|${c.receivedAt}|${c.assignedRole}|${c.departmentId}|${c.pendingContact ? 1 : 0}|${c.deadline?.extension.available ? 1 : 0}|${c.callbacks?.some((x) => x.status === "open") ? 1 : 0}`;
    if (key !== builtFor) {
      builtFor = key;
      actions.replaceChildren(h('div', {}, h('h3', {}, tr('case.actions')), caseActions(c, ref, act)));
    }
  };
  await state.refresh();
}

/** The legal clock: due date and term, the extension, the forwarding term, and each automatic step with its date. */
function deadlinePanel(c, now) {
  const d = c.deadline;
  const open = !['cerrado', 'no_procede'].includes(c.status);
  const term = d.term ? tr('deadline.term.' + d.term.unit, { n: d.term.days }) : '';
  const left = d.overdue ? tr('days.overdue', { n: Math.max(1, -d.daysLeft) }) : tr('deadline.business_left', { n: d.businessDaysLeft });
  const step = (p) => {
    const who = p.notify.map((n) => tr('deadline.notify.' + n)).join(' + ');
    const what = p.escalate ? `${who} · ${tr('deadline.escalates')}` : who;
    return h('li', { class: p.done ? 'done' : undefined }, `${p.done ? '✓ ' : ''}${p.percent}% · ${fmtDate(p.at)} · ${what}`);
  };
  const ack = d.acknowledgement;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'deadline-title' },
    h('h3', { id: 'deadline-title' }, tr('deadline.title')),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, tr('deadline.due')), h('dd', { class: d.overdue ? 'due' : undefined }, fmtDay(d.dueAt), term && ` (${term})`, open ? ` · ${left}` : ''),
      h('dt', {}, tr('deadline.extension')),
      h('dd', {}, d.extension.usedAt ? tr('deadline.extension_used', { date: fmtDate(d.extension.usedAt), reason: d.extension.reason ?? '' }) : d.extension.available ? tr('deadline.extension_available', { date: fmtDay(d.extension.wouldMoveTo) }) : tr('deadline.extension_unavailable')),
      h('dt', {}, tr('deadline.forwarding')),
      h('dd', { class: d.forwarding.late ? 'due' : undefined }, d.forwarding.forwardedAt ? tr('deadline.forwarded', { date: fmtDate(d.forwarding.forwardedAt) }) : tr('deadline.forward_by', { date: fmtDay(d.forwarding.deadline) })),
      h('dt', {}, tr('deadline.acknowledgement')),
      h('dd', {}, !ack ? '—' : ack.acknowledgedAt ? tr('deadline.acknowledged', { by: ack.acknowledgedBy ?? '', date: fmtDate(ack.acknowledgedAt) }) : tr('deadline.not_acknowledged', { date: fmtDate(ack.sentAt), remind: fmtDate(ack.remindAt) })),
    ),
    open && h('h4', {}, tr('deadline.steps')),
    open && h('ol', { class: 'checkpoints' }, d.checkpoints.map(step)),
  );
}

/** Whom to call, or where to write by hand, and why the answer did not go by itself. */
function callText(p) {
  if (p.phone) return `${tr('call.phone', { phone: p.phone })} · ${tr('call.reason.' + p.reason)}`;
  if (p.email) return `${tr('call.email', { email: p.email })} · ${tr('call.reason.' + p.reason)}`;
  return tr('call.no_phone');
}

/** The answer nobody could be written to: the operator reads it to the citizen on the phone. */
function callPanel(c) {
  const p = c.pendingContact;
  return h(
    'section',
    { class: 'panel call', role: 'alert', 'aria-labelledby': 'call-title' },
    h('h2', { id: 'call-title' }, tr('tray.call')),
    h('p', {}, callText(p)),
    h('p', { class: 'muted' }, tr('call.say')),
    h('blockquote', {}, p.text),
  );
}

function caseActions(c, ref, act) {
  const final = ['cerrado', 'no_procede'].includes(c.status);
  const note = actionForm(tr('action.note_add'), field(tr('action.text'), h('textarea', { name: 'text', required: true })), (f) => ({ kind: 'note', text: f.get('text') }), act);
  const contacted = c.pendingContact && actionForm(tr('action.contacted'), field(tr('action.note'), h('textarea', { name: 'note', required: true })), (f) => ({ kind: 'contacted', note: f.get('note') }), act, true);
  const callback = c.callbacks?.find((x) => x.status === 'open');
  const callbackPart = callback
    ? notice('warn', `${tr('callback.request')}: ${tr('callback.next.' + callback.nextAction)} · ${fmtDate(callback.nextActionAt)}`)
    : actionForm(tr('callback.request'), [h('p', { class: 'muted' }, tr('callback.request_help')), field(tr('action.reason'), h('textarea', { name: 'reason' }))], (f) => f.get('reason'), async (reason) => {
        await api('POST', `/api/staff/cases/${c.id}/callbacks`, reason ? { reason } : {});
        await state.refresh();
      });
  if (final) return [contacted, callbackPart, notice('warn', tr('case.closed')), note];
  if (!c.receivedAt) {
    return [
      notice('warn', tr('case.not_received')),
      h('form', { class: 'panel', onsubmit: async (e) => (e.preventDefault(), act({ kind: 'receive' }).catch((err) => document.getElementById('flash').replaceChildren(notice('error', err.message)))) }, h('p', { class: 'muted' }, tr('action.receive_help')), h('button', { type: 'submit' }, tr('action.receive'))),
      callbackPart,
      note,
    ];
  }
  const moves = { responsable: ['encargado'], encargado: ['experto'], experto: ['encargado'] }[c.assignedRole];
  const dept = c.departmentId;
  const mayExtend = c.deadline?.extension.available && ['admin', 'coordinador', 'responsable'].includes(state.user?.role);
  return [
    contacted,
    callbackPart,
    mayExtend && actionForm(tr('action.extend'), [h('p', { class: 'muted' }, tr('action.extend_help', { date: fmtDay(c.deadline.extension.wouldMoveTo) })), field(tr('action.reason'), h('textarea', { name: 'reason', required: true }))], (f) => ({ kind: 'extend', reason: f.get('reason') }), act),
    actionForm(
      tr('action.derive_level'),
      [
        field(tr('action.to'), select('to', moves.map((m) => [m, tr('level.' + m)]), moves[0])),
        field(tr('action.holder'), select('userId', [['', tr('action.anyone')], ...ref.holders.filter((u) => u.departmentId === dept && moves.includes(u.role)).map((u) => [u.id, `${u.name} (${tr('level.' + u.role)})`])], '')),
        field(tr('action.note'), h('textarea', { name: 'note', required: true })),
      ],
      (f) => ({ kind: 'derive_level', to: f.get('to'), note: f.get('note'), ...(f.get('userId') ? { userId: Number(f.get('userId')) } : {}) }),
      act,
    ),
    actionForm(
      tr('action.reclassify'),
      [
        field(tr('col.type'), select('type', TYPES.map((t) => [t, tr('type.' + t)]), c.type)),
        field(tr('col.category'), select('category', ref.categories.map((x) => [x.code, x.name]), c.category.code)),
        field(tr('action.reason'), h('textarea', { name: 'reason', required: true })),
      ],
      (f) => ({ kind: 'reclassify', type: f.get('type'), category: f.get('category'), reason: f.get('reason') }),
      act,
    ),
    actionForm(tr('action.reply'), field(tr('action.text'), h('textarea', { name: 'text', required: true })), (f) => ({ kind: 'reply', text: f.get('text') }), act),
    note,
    actionForm(
      tr('action.status'),
      [field(tr('filter.status'), select('status', ['en_seguimiento', 'escalado'].map((s) => [s, tr('status.' + s)]), 'en_seguimiento')), field(tr('action.note'), h('textarea', { name: 'note' }))],
      (f) => ({ kind: 'status', status: f.get('status'), ...(f.get('note') ? { note: f.get('note') } : {}) }),
      act,
    ),
    actionForm(
      tr('action.derive_department'),
      [field(tr('case.department'), select('departmentId', ref.departments.filter((d) => d.id !== dept).map((d) => [d.id, d.name]), '')), field(tr('action.note'), h('textarea', { name: 'note', required: true }))],
      (f) => ({ kind: 'derive_department', departmentId: Number(f.get('departmentId')), note: f.get('note') }),
      act,
    ),
    actionForm(
      tr('action.derive_external'),
      [field(tr('action.organism'), h('input', { name: 'organism', required: true })), field(tr('action.sent_via'), h('input', { name: 'sentVia', required: true })), field(tr('action.note'), h('textarea', { name: 'note', required: true }))],
      (f) => ({ kind: 'derive_external', organism: f.get('organism'), sentVia: f.get('sentVia'), note: f.get('note') }),
      act,
    ),
    actionForm(tr('action.close'), field(tr('action.answer'), h('textarea', { name: 'answer', required: true })), (f) => ({ kind: 'close', answer: f.get('answer') }), act),
    ['admin', 'coordinador'].includes(state.user.role) &&
      actionForm(tr('action.reject'), field(tr('action.reason'), h('textarea', { name: 'reason', required: true })), (f) => ({ kind: 'reject', reason: f.get('reason') }), act),
  ];
}

// ---------- conversations ----------

async function conversationsView(selected) {
  const list = h('div', {}, tr('loading'));
  const detail = h('div');
  shell('conversations', h('h2', {}, tr('conv.title')), h('div', { class: 'conv-layout' }, h('section', { class: 'panel' }, list), h('section', {}, detail)));
  let builtFor = '';
  const post = async (path, body) => {
    try {
      await api('POST', `/api/staff/conversations/${selected}/${path}`, body);
      await state.refresh();
    } catch (error) {
      detail.prepend(notice('error', error.message));
    }
  };
  const messages = h('div');
  state.refresh = async () => {
    const { conversations } = await api('GET', '/api/staff/conversations');
    list.replaceChildren(
      conversations.length === 0
        ? h('p', { class: 'muted' }, tr('conv.empty'))
        : h('ul', { class: 'conv-list' }, conversations.map((c) =>
            h('li', {}, h('a', { href: `#/conversaciones/${c.id}`, 'aria-current': c.id === selected ? 'true' : undefined }, c.citizenName ?? tr('author.citizen')), ' ', h('span', { class: c.status === 'waiting_agent' ? 'badge new' : 'badge ok' }, tr('conv.' + c.status)), h('div', { class: 'muted' }, `${tr('channel.' + c.channel)} · ${fmtDate(c.updatedAt)}${c.reason ? ` · ${tr('conv.reason')}: ${c.reason}` : ''}`), h('div', {}, c.lastText)),
          )),
    );
    if (!selected) return;
    const { conversation: c } = await api('GET', `/api/staff/conversations/${selected}`);
    messages.replaceChildren(
      h('ol', { class: 'timeline' }, c.messages.map((m) => h('li', { class: `${m.direction} ${m.author}` }, h('div', { class: 'meta' }, `${tr('author.' + m.author)} · ${fmtDate(m.createdAt)}`), h('div', { class: 'text' }, m.text)))),
    );
    if (builtFor === c.status) return;
    builtFor = c.status;
    const reply = h(
      'form',
      { class: 'panel', onsubmit: async (e) => {
        e.preventDefault();
        const text = new FormData(e.target).get('text');
        e.target.reset();
        await post('reply', { text });
      } },
      field(tr('conv.reply'), h('textarea', { name: 'text', required: true })),
      h('button', { type: 'submit' }, tr('conv.send')),
    );
    detail.replaceChildren(h('div', {},
      h(
        'div',
        { class: 'panel' },
        h('h3', {}, `${c.citizenName ?? tr('author.citizen')} · ${tr('channel.' + c.channel)}`, ' ', h('span', { class: 'badge' }, tr('conv.' + c.status) ?? c.status)),
        messages,
      ),
      c.status === 'waiting_agent' && h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => post('take-over') }, tr('conv.take')), h('button', { type: 'button', class: 'secondary', onclick: () => post('close') }, tr('conv.close'))),
      c.status === 'agent' && [h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: () => post('hand-back') }, tr('conv.hand_back')), h('button', { type: 'button', class: 'secondary', onclick: () => post('close') }, tr('conv.close'))), reply],
    ));
  };
  await state.refresh();
}

// ---------- open a case on behalf of a citizen ----------

async function newCaseView() {
  state.refresh = null;
  const ref = await reference();
  const status = h('div');
  const categorySelect = select('category', ref.categories.map((c) => [c.code, c.name]), '');
  const typeSelect = select('type', TYPES.map((t) => [t, tr('type.' + t)]), 'reporte');
  categorySelect.addEventListener('change', () => {
    const chosen = ref.categories.find((c) => c.code === categorySelect.value);
    if (chosen?.defaultType) typeSelect.value = chosen.defaultType;
  });
  const form = h(
    'form',
    { class: 'panel', onsubmit: async (e) => {
      e.preventDefault();
      const body = Object.fromEntries(new FormData(form));
      try {
        const { case: opened } = await api('POST', '/api/staff/cases', body);
        form.reset();
        status.replaceChildren(h('p', { class: 'notice ok', role: 'status' }, tr('new.created', { folio: opened.folio }), ' ', h('a', { href: `#/caso/${opened.id}` }, opened.folio)));
      } catch (error) {
        status.replaceChildren(notice('error', error.message));
      }
    } },
    h('p', { class: 'muted' }, tr('new.help')),
    status,
    h(
      'div',
      { class: 'grid2' },
      field(tr('filter.channel'), select('channel', ['telefono', 'presencial', 'visita', 'redes'].map((c) => [c, tr('channel.' + c)]), 'telefono')),
      field(tr('col.type'), typeSelect),
      field(tr('col.category'), categorySelect),
      field(tr('new.address'), h('input', { name: 'address' })),
    ),
    field(tr('new.description'), h('textarea', { name: 'description', required: true, minlength: 3 })),
    h('div', { class: 'grid2' }, field(tr('new.name'), h('input', { name: 'name', autocomplete: 'off' })), field(tr('new.phone'), h('input', { name: 'phone', type: 'tel', autocomplete: 'off' })), field(tr('new.email'), h('input', { name: 'email', type: 'email', autocomplete: 'off' }))),
    h('button', { type: 'submit' }, tr('new.submit')),
  );
  shell('new_case', h('h2', {}, tr('new.title')), form);
}

// ---------- administration ----------

// ---------- call-backs ----------

/** The operators' calls: due ones first with one button per outcome; then the voicemail and wrong-number reports. */
async function callbacksView() {
  const status = h('div', { id: 'flash' });
  const body = h('div', {}, tr('loading'));
  shell('callbacks', h('h2', {}, tr('callback.title')), status, body);
  state.refresh = async () => {
    const { now, open, voicemailReport, communicationsOffice } = await api('GET', '/api/staff/callbacks');
    const at = new Date(now).getTime();
    const table = (rows, withButtons) =>
      h('div', { class: 'table-wrap' }, h('table', { class: 'admin' },
        h('thead', {}, h('tr', {}, [tr('col.folio'), tr('callback.col.phone'), tr('case.department'), tr('callback.col.next'), tr('callback.col.when'), tr('callback.col.failed'), withButtons && tr('callback.col.log')].filter(Boolean).map((k) => h('th', { scope: 'col' }, k)))),
        h('tbody', {}, rows.map((c) => {
          const due = c.nextActionAt && new Date(c.nextActionAt).getTime() <= at;
          return h('tr', { class: due ? 'overdue' : undefined },
            h('td', {}, h('a', { href: `#/caso/${c.caseId}` }, c.folio), c.citizenName ? ` · ${c.citizenName}` : ''),
            h('td', {}, c.phone ?? '—'),
            h('td', {}, c.department),
            h('td', {}, tr('callback.next.' + c.nextAction)),
            h('td', {}, c.nextActionAt ? fmtDate(c.nextActionAt) : '—', due ? [' ', h('span', { class: 'badge late' }, tr('callback.due'))] : ''),
            h('td', {}, String(c.failedCalls)),
            withButtons && h('td', { class: 'outcomes' }, ['no_answer', 'voicemail', 'wrong_number', 'reached'].map((outcome) =>
              h('button', { type: 'button', class: 'small', onclick: async () => {
                try {
                  const { step } = await api('POST', `/api/staff/callbacks/${c.id}/attempts`, { outcome });
                  status.replaceChildren(notice('ok', [tr('callback.logged', { next: tr('callback.next.' + step.nextAction) }), step.instruction ? ' ' + tr('callback.instruction.' + step.instruction) : ''].join('')));
                  await state.refresh();
                } catch (error) {
                  status.replaceChildren(notice('error', error.message));
                }
              } }, tr('callback.outcome.' + outcome)))),
          );
        }))));
    body.replaceChildren(
      open.length === 0 ? notice('ok', tr('callback.empty')) : table(open, true),
      h('h3', { class: 'spaced' }, tr('callback.voicemail_report')),
      voicemailReport.length === 0 ? h('p', { class: 'muted' }, '—') : table(voicemailReport, false),
      h('h3', { class: 'spaced' }, tr('callback.communications')),
      communicationsOffice.length === 0 ? h('p', { class: 'muted' }, '—') : table(communicationsOffice, false),
    );
  };
  await state.refresh();
}

function adminTable(head, rows) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'admin' }, h('thead', {}, h('tr', {}, head.map((k) => h('th', { scope: 'col' }, tr('admin.' + k))))), h('tbody', {}, rows)));
}

async function guarded(status, fn) {
  try {
    await fn();
    status.replaceChildren(notice('ok', tr('saved')));
  } catch (error) {
    status.replaceChildren(notice('error', error.message));
  }
}

async function usersView() {
  const status = h('div');
  const table = h('div');
  const { departments } = await api('GET', '/api/staff/admin/departments');
  const deptOptions = [['', tr('admin.none')], ...departments.map((d) => [d.id, d.name])];
  const deptName = (id) => departments.find((d) => d.id === id)?.name ?? '—';
  const create = h(
    'form',
    { class: 'panel', onsubmit: (e) => {
      e.preventDefault();
      const f = new FormData(create);
      guarded(status, async () => {
        await api('POST', '/api/staff/admin/users', { email: f.get('email'), name: f.get('name'), role: f.get('role'), password: f.get('password'), departmentId: f.get('departmentId') ? Number(f.get('departmentId')) : null });
        create.reset();
        await state.refresh();
      });
    } },
    h('h3', {}, tr('admin.new')),
    h('div', { class: 'grid2' }, field(tr('admin.name'), h('input', { name: 'name', required: true })), field(tr('admin.email'), h('input', { name: 'email', type: 'email', required: true })), field(tr('admin.role'), select('role', ROLES.map((r) => [r, tr('role.' + r)]), 'operador')), field(tr('admin.department'), select('departmentId', deptOptions, '')), field(tr('admin.password'), h('input', { name: 'password', type: 'password', minlength: 10, required: true, autocomplete: 'new-password' }))),
    h('button', { type: 'submit' }, tr('admin.create')),
  );
  shell('users', h('h2', {}, tr('admin.users')), status, table, create);
  state.refresh = async () => {
    const { users } = await api('GET', '/api/staff/admin/users');
    const patch = (id, body) => guarded(status, async () => (await api('PATCH', `/api/staff/admin/users/${id}`, body), await state.refresh()));
    table.replaceChildren(
      adminTable(
        ['name', 'email', 'role', 'department', 'active', 'actions'],
        users.map((u) => {
          const role = select('role', ROLES.map((r) => [r, tr('role.' + r)]), u.role, { 'aria-label': `${tr('admin.role')} ${u.name}` });
          const dept = select('departmentId', deptOptions, u.departmentId ?? '', { 'aria-label': `${tr('admin.department')} ${u.name}` });
          const password = h('input', { type: 'password', minlength: 10, autocomplete: 'new-password', 'aria-label': `${tr('admin.new_password')} ${u.name}`, placeholder: tr('admin.new_password') });
          return h(
            'tr',
            {},
            h('td', {}, u.name),
            h('td', {}, u.email),
            h('td', {}, role),
            h('td', {}, dept, h('span', { class: 'sr-only' }, deptName(u.departmentId))),
            h('td', {}, u.active ? tr('admin.active') : tr('admin.inactive')),
            h(
              'td',
              {},
              h('div', { class: 'row' },
                h('button', { type: 'button', onclick: () => patch(u.id, { role: role.value, departmentId: dept.value ? Number(dept.value) : null }) }, tr('admin.save')),
                h('button', { type: 'button', class: 'secondary', onclick: () => patch(u.id, { active: !u.active }) }, u.active ? tr('admin.deactivate') : tr('admin.activate')),
              ),
              h('div', { class: 'row' }, password, h('button', { type: 'button', class: 'secondary', onclick: () => password.value && patch(u.id, { password: password.value }) }, tr('admin.reset_password'))),
            ),
          );
        }),
      ),
    );
  };
  await state.refresh();
}

async function departmentsView() {
  const status = h('div');
  const table = h('div');
  const create = h(
    'form',
    { class: 'panel', onsubmit: (e) => {
      e.preventDefault();
      const f = new FormData(create);
      guarded(status, async () => (await api('POST', '/api/staff/admin/departments', { code: f.get('code'), name: f.get('name'), liaisonEmail: f.get('liaisonEmail') }), create.reset(), (state.ref = null), await state.refresh()));
    } },
    h('h3', {}, tr('admin.new')),
    h('div', { class: 'grid2' }, field(tr('admin.code'), h('input', { name: 'code', required: true, pattern: '[a-z0-9-]{2,60}' })), field(tr('admin.name'), h('input', { name: 'name', required: true })), field(tr('admin.liaison'), h('input', { name: 'liaisonEmail', type: 'email' }))),
    h('button', { type: 'submit' }, tr('admin.create')),
  );
  shell('departments', h('h2', {}, tr('admin.departments')), status, table, create);
  state.refresh = async () => {
    const { departments } = await api('GET', '/api/staff/admin/departments');
    table.replaceChildren(
      adminTable(
        ['code', 'name', 'liaison', 'active', 'actions'],
        departments.map((d) => {
          const name = h('input', { value: d.name, 'aria-label': `${tr('admin.name')} ${d.code}` });
          const liaison = h('input', { type: 'email', value: d.liaisonEmail ?? '', 'aria-label': `${tr('admin.liaison')} ${d.code}` });
          const patch = (body) => guarded(status, async () => (await api('PATCH', `/api/staff/admin/departments/${d.id}`, body), (state.ref = null), await state.refresh()));
          return h('tr', {}, h('td', {}, d.code), h('td', {}, name), h('td', {}, liaison), h('td', {}, d.active ? tr('admin.active') : tr('admin.inactive')),
            h('td', {}, h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => patch({ name: name.value, liaisonEmail: liaison.value }) }, tr('admin.save')), h('button', { type: 'button', class: 'secondary', onclick: () => patch({ active: !d.active }) }, d.active ? tr('admin.deactivate') : tr('admin.activate')))));
        }),
      ),
    );
  };
  await state.refresh();
}

async function categoriesView() {
  const status = h('div');
  const table = h('div');
  const { departments } = await api('GET', '/api/staff/admin/departments');
  const deptOptions = departments.map((d) => [d.id, d.name]);
  const typeOptions = [['', tr('admin.none')], ...TYPES.map((t) => [t, tr('type.' + t)])];
  const unitOptions = [['calendar', tr('deadline.unit.calendar')], ['business', tr('deadline.unit.business')]];
  const create = h(
    'form',
    { class: 'panel', onsubmit: (e) => {
      e.preventDefault();
      const f = new FormData(create);
      guarded(status, async () => {
        await api('POST', '/api/staff/admin/categories', { code: f.get('code'), name: f.get('name'), departmentId: Number(f.get('departmentId')), defaultType: f.get('defaultType') || null, dueDays: f.get('dueDays') ? Number(f.get('dueDays')) : null, dueUnit: f.get('dueUnit') || null });
        create.reset();
        state.ref = null;
        await state.refresh();
      });
    } },
    h('h3', {}, tr('admin.new')),
    h('div', { class: 'grid2' }, field(tr('admin.code'), h('input', { name: 'code', required: true, pattern: '[a-z0-9-]{2,60}' })), field(tr('admin.name'), h('input', { name: 'name', required: true })), field(tr('admin.department'), select('departmentId', deptOptions, '')), field(tr('admin.default_type'), select('defaultType', typeOptions, '')), field(tr('admin.due_days'), h('input', { name: 'dueDays', type: 'number', min: 1, max: 365 })), field(tr('admin.due_unit'), select('dueUnit', unitOptions, ''))),
    h('button', { type: 'submit' }, tr('admin.create')),
  );
  shell('categories', h('h2', {}, tr('admin.categories')), status, table, create);
  state.refresh = async () => {
    const { categories } = await api('GET', '/api/staff/admin/categories');
    table.replaceChildren(
      adminTable(
        ['code', 'name', 'department', 'default_type', 'due_days', 'actions'],
        categories.map((c) => {
          const name = h('input', { value: c.name, 'aria-label': `${tr('admin.name')} ${c.code}` });
          const dept = select('departmentId', deptOptions, c.departmentId, { 'aria-label': `${tr('admin.department')} ${c.code}` });
          const type = select('defaultType', typeOptions, c.defaultType ?? '', { 'aria-label': `${tr('admin.default_type')} ${c.code}` });
          const due = h('input', { type: 'number', min: 1, max: 365, value: c.dueDays ?? '', 'aria-label': `${tr('admin.due_days')} ${c.code}` });
          const unit = select('dueUnit', unitOptions, c.dueUnit ?? 'calendar', { 'aria-label': `${tr('admin.due_unit')} ${c.code}` });
          const patch = (body) => guarded(status, async () => (await api('PATCH', `/api/staff/admin/categories/${c.id}`, body), (state.ref = null), await state.refresh()));
          return h('tr', {}, h('td', {}, c.code), h('td', {}, name), h('td', {}, dept), h('td', {}, type), h('td', {}, due, ' ', unit),
            h('td', {}, h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => patch({ name: name.value, departmentId: Number(dept.value), defaultType: type.value || null, dueDays: due.value ? Number(due.value) : null, dueUnit: unit.value }) }, tr('admin.save')), h('button', { type: 'button', class: 'secondary', onclick: () => patch({ active: !c.active }) }, c.active ? tr('admin.deactivate') : tr('admin.activate')))));
        }),
      ),
    );
  };
  await state.refresh();
}

// ---------- understanding: labelled examples and the attention log ----------

async function examplesView() {
  const status = h('div');
  const table = h('div');
  const filter = select('review', ['pending', 'accepted', 'rejected'].map((r) => [r, tr('examples.review.' + r)]), 'pending', { 'aria-label': tr('examples.show') });
  filter.addEventListener('change', () => state.refresh());
  const downloads = h('p', { class: 'row' },
    h('a', { href: '/api/understanding/examples.csv?field=type', download: 'labelled-type.csv' }, tr('examples.download_type')),
    h('a', { href: '/api/understanding/examples.csv?field=category', download: 'labelled-category.csv' }, tr('examples.download_category')));
  shell('examples', h('h2', {}, tr('examples.title')), h('p', {}, tr('examples.help')), h('div', { class: 'row' }, field(tr('examples.show'), filter)), downloads, status, table);
  state.refresh = async () => {
    const { examples } = await api('GET', `/api/understanding/examples?review=${encodeURIComponent(filter.value)}`);
    const label = (field, value) => (value ? (field === 'type' ? tr('type.' + value) : value) : '—');
    const decide = (id, decision) => guarded(status, async () => (await api('POST', `/api/understanding/examples/${id}/review`, { decision }), await state.refresh()));
    table.replaceChildren(
      examples.length === 0
        ? h('p', {}, tr('examples.none'))
        : adminTable(
            ['ex_text', 'ex_predicted', 'ex_chosen', 'ex_confidence', 'ex_channel', 'ex_date', 'actions'],
            examples.map((e) =>
              h('tr', {},
                h('td', {}, e.text),
                h('td', {}, label(e.field, e.predicted)),
                h('td', {}, h('strong', {}, label(e.field, e.chosen))),
                h('td', {}, e.confidence === null ? '—' : `${Math.round(e.confidence * 100)} %`),
                h('td', {}, tr('channel.' + e.channel)),
                h('td', {}, fmtDate(e.createdAt)),
                h('td', {}, e.review === 'pending'
                  ? h('div', { class: 'row' },
                      h('button', { type: 'button', onclick: () => decide(e.id, 'accepted') }, tr('examples.accept')),
                      h('button', { type: 'button', class: 'secondary', onclick: () => decide(e.id, 'rejected') }, tr('examples.reject')))
                  : tr('examples.review.' + e.review)),
              ),
            ),
          ),
    );
  };
  await state.refresh();
}

/** Horizontal bars: coordinators read proportions at a glance, the numbers stay beside them. */
function barChart(title, entries) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h('figure', { class: 'panel chart' },
    h('figcaption', {}, title),
    h('ul', { class: 'bars' },
      entries.map(([label, n]) =>
        h('li', {},
          h('span', { class: 'bar-label' }, label),
          h('span', { class: 'bar-track', 'aria-hidden': 'true' }, h('span', { class: 'bar', style: `width:${(100 * n) / max}%` })),
          h('span', { class: 'bar-value' }, String(n)),
        ),
      ),
    ),
  );
}

/**
 * A page over a period: dates (the last 30 days by default), a "show" button, and a body
 * drawn from what `load(from, to)` returns; a failed load shows its error and keeps the form.
 */
async function periodView(page, query, load, render) {
  const status = h('div');
  const body = h('div');
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
  const from = h('input', { type: 'date', name: 'from', value: query.get('from') ?? monthAgo });
  const to = h('input', { type: 'date', name: 'to', value: query.get('to') ?? today });
  const form = h('form', { class: 'row', onsubmit: (e) => (e.preventDefault(), state.refresh()) },
    field(tr('attention.from'), from), field(tr('attention.to'), to), h('button', { type: 'submit' }, tr('attention.show')));
  shell(page, h('h2', {}, tr(page + '.title')), h('p', {}, tr(page + '.help')), form, status, body);
  state.refresh = async () => {
    let data;
    try {
      data = await load(from.value, to.value);
      status.replaceChildren();
    } catch (error) {
      status.replaceChildren(notice('error', error.message));
      return;
    }
    body.replaceChildren(...render(data));
  };
  await state.refresh();
}

function attentionView(query) {
  return periodView('attention', query, (from, to) => api('GET', `/api/understanding/attention?from=${from}&to=${to}`), (data) => {
    const sorted = (record) => Object.entries(record).sort((a, b) => b[1] - a[1]);
    const byDetail = {};
    for (const c of data.counts) if (c.kind === 'information_answered' && c.detail) byDetail[c.detail] = (byDetail[c.detail] ?? 0) + c.count;
    const total = Object.values(data.totals.byKind).reduce((a, b) => a + b, 0);
    return [
      h('p', {}, tr('attention.total', { n: total })),
      h('div', { class: 'charts' },
        barChart(tr('attention.by_kind'), sorted(data.totals.byKind).map(([k, n]) => [tr('attention.kind.' + k), n])),
        barChart(tr('attention.by_channel'), sorted(data.totals.byChannel).map(([c, n]) => [tr('channel.' + c), n])),
        Object.keys(byDetail).length > 0 && barChart(tr('attention.top_procedures'), sorted(byDetail).slice(0, 10)),
      ),
    ];
  });
}

/** Cases opened in a period, for coordinators (department staff see their own department). */
function statsView(query) {
  // Local days: from the first instant of "from" to the last of "to".
  const load = async (from, to) => {
    const range = new URLSearchParams({ from: new Date(from + 'T00:00:00').toISOString(), to: new Date(to + 'T23:59:59.999').toISOString() });
    return (await api('GET', '/api/staff/stats?' + range.toString())).stats;
  };
  return periodView('stats', query, load, (stats) => {
    const sorted = (record) => Object.entries(record).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    const t = stats.totals;
    const days = (n) => (n === null ? '—' : tr('stats.days', { n: n.toLocaleString(document.documentElement.lang) }));
    const cols = ['opened', 'open', 'closed', 'no_procede', 'overdue', 'median'];
    const cells = (c) => [c.opened, c.open, c.closed, c.noProcede, c.overdueOpen, days(c.medianDaysToClose)];
    return [
      h('ul', { class: 'kpis', 'aria-label': tr('stats.summary') },
        cols.map((k, i) => h('li', { class: k === 'overdue' && t.overdueOpen > 0 ? 'late' : undefined }, h('span', { class: 'kpi-value' }, String(cells(t)[i])), h('span', { class: 'kpi-label' }, tr('stats.col.' + k))))),
      h('div', { class: 'charts' },
        stats.scope === 'all' && barChart(tr('stats.by_department'), stats.byDepartment.filter((d) => d.opened > 0).sort((a, b) => b.opened - a.opened).map((d) => [d.department, d.opened])),
        barChart(tr('stats.by_type'), sorted(stats.byType).map(([k, n]) => [tr('type.' + k), n])),
        barChart(tr('stats.by_channel'), sorted(stats.byChannel).map(([k, n]) => [tr('channel.' + k), n])),
        barChart(tr('stats.by_status'), STATUSES.filter((s) => stats.byStatus[s] > 0).map((s) => [tr('status.' + s), stats.byStatus[s]])),
        stats.satisfaction.answered > 0 && barChart(tr('stats.satisfaction', { avg: stats.satisfaction.averageRating ?? '—', n: stats.satisfaction.answered, unsolved: stats.satisfaction.unsolved, reopened: stats.satisfaction.reopened }), ['5', '4', '3', '2', '1'].map((r) => [`${r} ★`, stats.satisfaction.byRating[r]])),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'per-dept' },
        h('h3', { id: 'per-dept' }, tr('stats.per_department')),
        h('div', { class: 'table-wrap' },
          h('table', { class: 'stats' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tr('col.department')), cols.map((k) => h('th', { scope: 'col', class: 'num' }, tr('stats.col.' + k))))),
            h('tbody', {}, stats.byDepartment.map((d) => h('tr', {}, h('th', { scope: 'row' }, d.department), cells(d).map((v, i) => h('td', { class: cols[i] === 'overdue' && v > 0 ? 'num due' : 'num' }, String(v)))))),
            stats.scope === 'all' && h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, tr('stats.total')), cells(t).map((v) => h('td', { class: 'num' }, String(v))))),
          ),
        ),
      ),
    ];
  });
}

// ---------- routing ----------

async function route() {
  const [path, query = ''] = location.hash.slice(1).split('?');
  if (!state.user && path !== '/login') {
    try {
      const me = await api('GET', '/api/staff/me');
      state.user = me.user;
      state.csrf = me.csrfToken;
    } catch {
      location.hash = '#/login';
      return;
    }
  }
  const parts = (path || '/bandeja').split('/').filter(Boolean);
  try {
    if (parts[0] === 'login') return loginView();
    if (parts[0] === 'caso' && parts[1]) return await caseView(Number(parts[1]));
    if (parts[0] === 'conversaciones') return await conversationsView(parts[1]);
    if (parts[0] === 'nuevo') return await newCaseView();
    if (parts[0] === 'llamadas') return await callbacksView();
    if (parts[0] === 'admin' && parts[1] === 'personal') return await usersView();
    if (parts[0] === 'admin' && parts[1] === 'dependencias') return await departmentsView();
    if (parts[0] === 'admin' && parts[1] === 'categorias') return await categoriesView();
    if (parts[0] === 'admin' && parts[1] === 'ejemplos') return await examplesView();
    if (parts[0] === 'atencion') return await attentionView(new URLSearchParams(query));
    if (parts[0] === 'estadisticas') return await statsView(new URLSearchParams(query));
    return await trayView(new URLSearchParams(query));
  } catch (error) {
    if (error.status === 401) return;
    document.getElementById('main')?.prepend(notice('error', error.message));
  }
}

window.addEventListener('hashchange', route);
route();
