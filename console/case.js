// @ts-check
// The case page: its facts, the citizen, the legal clock, the timeline, and the actions (case-actions.js).
import { caseActions } from './case-actions.js';
import {
  api,
  citizenCasesList,
  daysBetween,
  field,
  fmtDate,
  fmtDay,
  h,
  hasRole,
  isCross,
  isFinal,
  messageOf,
  notice,
  reference,
  state,
  tr,
} from './lib.js';
import { shell } from './shell.js';
import { timelinePanel } from './timeline.js';

/** @typedef {import('./types').CasePage} CasePage */
/** @typedef {import('./types').Reference} Reference */
/** @typedef {import('./types').TimelineItem} TimelineItem */
/** @typedef {import('./types').PendingContact} PendingContact */

/**
 * One line about an event, from its data (typed by its `type`: src/cases/case-events.ts).
 * @param {Extract<TimelineItem, { entry: 'event' }>} item
 * @param {Reference} ref
 * @returns {string}
 */
function describeEvent(item, ref) {
  const { type, data: d } = item;
  /** @param {number} id */
  const dept = (id) => ref.departments.find((x) => x.id === id)?.name ?? id;
  /** @param {string | undefined} code */
  const category = (code) => ref.categories.find((x) => x.code === code)?.name ?? code ?? '';
  /** Staff mail: which, to whom, and the subject, error or note. @param {string | undefined} kind @param {string | null} to @param {string | undefined} [detail] */
  const mail = (kind, to, detail) => [tr('mail.' + (kind ?? 'notice')), to, detail].filter(Boolean).join(' · ');
  /** Waits for the recipient's daily notice digest rather than going alone. @param {boolean | undefined} digest */
  const inDigest = (digest) => (digest ? ` · ${tr('follow.in_digest')}` : '');
  /**
   * A callback's step: the call's outcome, what comes next and when, and the note or reason.
   * @param {string | undefined} outcome @param {string} nextAction @param {string | null} nextActionAt @param {string | null} text
   */
  const callback = (outcome, nextAction, nextActionAt, text) =>
    [
      outcome && tr('callback.outcome.' + outcome),
      nextAction && tr('callback.next.' + nextAction),
      nextActionAt && fmtDate(nextActionAt),
      text,
    ]
      .filter(Boolean)
      .join(' · ');
  switch (type) {
    case 'case.filed_by_app':
      return [d.app, d.serviceCode].filter(Boolean).join(' · ');
    case 'case.cluster_joined':
    case 'case.cluster_gained':
      return [
        type === 'case.cluster_joined' ? d.parentFolio : d.childFolio,
        tr('cluster.how.' + d.how),
        d.distanceM != null && tr('cluster.metres', { metres: d.distanceM }),
      ]
        .filter(Boolean)
        .join(' · ');
    case 'case.cluster_left':
      return d.parentFolio ?? '';
    case 'case.cluster_lost':
      return d.childFolio ?? '';
    case 'case.derived':
      if (d.toDepartmentId !== undefined) return `→ ${d.toDepartment ?? dept(d.toDepartmentId)}. ${d.note ?? ''}`;
      return `${tr('level.' + d.from)} → ${tr('level.' + d.to)}. ${d.note ?? ''}`;
    case 'case.derived_external':
      return `${d.organism} (${d.sentVia}). ${d.note ?? ''}`;
    case 'case.reclassified':
      return `${tr('type.' + d.fromType)} → ${tr('type.' + d.toType)}, ${category(d.toCategory)}. ${d.reason ?? ''}`;
    case 'case.status_changed':
      return `${tr('status.' + d.from)} → ${tr('status.' + d.to)}${d.note ? '. ' + d.note : ''}`;
    case 'case.note_added':
      return d.text ?? '';
    case 'case.replied':
      return d.text ?? '';
    case 'case.closed':
      return d.answer ?? '';
    case 'case.rejected':
      return d.reason ?? '';
    case 'case.answer_pending_contact':
      return callText(d);
    case 'case.citizen_contacted':
      return d.note ?? '';
    case 'case.opened':
      return `${tr('channel.' + d.channel)} · ${category(d.category)}`;
    case 'case.extended':
      return `${fmtDay(d.fromDueAt)} → ${fmtDay(d.toDueAt)}. ${d.reason ?? ''}`;
    case 'case.escalated':
      return tr('deadline.overdue_since', { date: fmtDay(d.dueAt) });
    case 'case.reopened':
      return tr('deadline.due_on', { date: fmtDay(d.dueAt) });
    case 'case.survey_answered':
      return d.solved ? tr('survey.rating', { n: String(d.rating) }) : tr('survey.unsolved');
    case 'follow_up.routing_sheet_sent':
      return `${d.department ?? ''} · ${d.mailed ? d.to : tr('follow.not_mailed.' + (d.reason ?? 'mail_not_configured'))}`;
    case 'follow_up.acknowledged':
      return `${d.by} (${d.department ?? ''})`;
    case 'follow_up.acknowledgement_reminded':
      return mail(undefined, d.to) + inDigest(d.digest);
    case 'follow_up.mail_sent':
      return mail(d.kind, d.to, d.subject);
    case 'follow_up.mail_failed':
      return mail(d.kind, d.to, d.error);
    case 'follow_up.mail_resent':
      return mail(d.kind, d.to, d.note);
    case 'follow_up.acknowledgement_escalated':
      return d.to.join(', ') + inDigest(d.digest);
    case 'follow_up.deadline_warning':
      return `${d.percent}% · ${d.to.join(', ')}${inDigest(d.digest)}`;
    case 'follow_up.citizen_notified':
      return `${tr('notice.' + d.about)} · ${d.channel ? tr('channel.' + d.channel) : tr('follow.not_sent')}`;
    case 'follow_up.survey_sent':
      return tr('channel.' + d.channel);
    case 'callback.requested':
      return callback(undefined, d.nextAction, d.nextActionAt, d.reason);
    case 'callback.attempted':
      return callback(d.outcome, d.nextAction, d.nextActionAt, d.note);
    default:
      return '';
  }
}

/** @param {number} id */
export async function caseView(id) {
  const ref = await reference();
  const facts = h('div');
  const timeline = h('div', {}, tr('loading'));
  const history = timelinePanel((item) => describeEvent(item, ref));
  const actions = h('div');
  shell(
    'tray',
    h('p', {}, h('a', { href: '#/bandeja' }, '← ' + tr('back'))),
    h(
      'div',
      { class: 'case-layout' },
      h('section', { class: 'panel', 'aria-labelledby': 'tl' }, h('h3', { id: 'tl' }, tr('case.timeline')), timeline),
      h('div', {}, facts, h('div', { id: 'flash' }), actions),
    ),
  );

  /** @param {Record<string, unknown>} action */
  const act = async (action) => {
    await api('POST', `/api/staff/cases/${id}/actions`, action);
    await state.refresh?.();
  };
  let builtFor = '';
  state.refresh = async () => {
    /** @type {{ now: string, case: CasePage }} */
    const { now, case: c } = await api('GET', `/api/staff/cases/${id}`);
    const overdue = new Date(c.dueAt) < new Date(now) && !isFinal(c.status);
    const holder = ref.holders.find((u) => u.id === c.assignedUserId);
    facts.replaceChildren(
      c.pendingContact ? callPanel(c.pendingContact) : '',
      h(
        'section',
        { class: 'panel' },
        h(
          'h2',
          {},
          c.folio,
          ' ',
          h('span', { class: 'badge' }, tr('status.' + c.status)),
          ' ',
          c.emergency && h('span', { class: 'badge late' }, tr('emergency')),
          ' ',
          !c.receivedAt && h('span', { class: 'badge new' }, tr('tray.not_received')),
          ' ',
          overdue &&
            h('span', { class: 'badge late' }, tr('days.overdue', { n: Math.max(1, daysBetween(new Date(c.dueAt), new Date(now))) })),
        ),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, tr('col.type')),
          h('dd', {}, tr('type.' + c.type)),
          h('dt', {}, tr('col.category')),
          h('dd', {}, c.category.name),
          h('dt', {}, tr('case.department')),
          h('dd', {}, c.department),
          h('dt', {}, tr('case.holder')),
          h('dd', {}, tr('level.' + c.assignedRole), holder ? ` · ${holder.name}` : ''),
          h('dt', {}, tr('filter.channel')),
          h('dd', {}, tr('channel.' + c.channel)),
          h('dt', {}, tr('case.due')),
          h('dd', { class: overdue ? 'due' : undefined }, fmtDay(c.dueAt)),
          c.receivedAt && [h('dt', {}, tr('case.received_at')), h('dd', {}, fmtDate(c.receivedAt))],
          h('dt', {}, tr('case.description')),
          h('dd', {}, c.description),
        ),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h3', {}, tr('case.citizen')),
        c.citizen && isCross() && h('p', {}, h('a', { href: `#/ciudadano/${c.citizen.id}` }, tr('citizen.all_channels'))),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, tr('new.name')),
          h('dd', {}, c.citizen?.name ?? '—'),
          h('dt', {}, tr('new.phone')),
          h('dd', {}, c.citizen?.phone ?? '—'),
          h('dt', {}, tr('new.email')),
          h('dd', {}, c.citizen?.email ?? '—'),
          registrationFacts(c.citizen?.registration),
          (c.address || c.latitude !== null) && [
            h('dt', {}, tr('case.location')),
            h(
              'dd',
              {},
              c.address ?? '',
              c.latitude !== null && [
                ' ',
                h(
                  'a',
                  {
                    href: `https://www.openstreetmap.org/?mlat=${c.latitude}&mlon=${c.longitude}#map=18/${c.latitude}/${c.longitude}`,
                    target: '_blank',
                    rel: 'noopener noreferrer',
                  },
                  tr('case.map'),
                ),
              ],
            ),
          ],
        ),
        eraseButton(c.citizen),
        h('h3', { class: 'spaced' }, tr('case.attachments')),
        c.attachments.length === 0
          ? h('p', { class: 'muted' }, tr('case.no_attachments'))
          : h(
              'ul',
              {},
              c.attachments.map((a) =>
                h(
                  'li',
                  {},
                  h(
                    'a',
                    { href: `/api/staff/cases/${c.id}/attachments/${a.id}`, target: '_blank', rel: 'noopener' },
                    a.filename ?? `${a.kind} #${a.id}`,
                  ),
                  ` (${Math.ceil(a.sizeBytes / 1024)} KB)`,
                ),
              ),
            ),
      ),
    );
    if (c.deadline) facts.append(deadlinePanel(c, c.deadline));
    if (c.type === 'reporte' || c.cluster.parent || c.cluster.children.length > 0) facts.append(clusterPanel(c));
    if (c.citizen) facts.append(citizenHistoryPanel(c));
    history.render(c);
    if (timeline.firstChild !== history.element) timeline.replaceChildren(history.element);
    // Forms are rebuilt only when what they offer changes, so live updates do not erase typing.
    const key = `${c.status}|${c.receivedAt}|${c.assignedRole}|${c.departmentId}|${c.pendingContact ? 1 : 0}|${c.deadline?.extension.available ? 1 : 0}|${c.callbacks?.some((x) => x.status === 'open') ? 1 : 0}`;
    if (key !== builtFor) {
      builtFor = key;
      actions.replaceChildren(h('div', {}, h('h3', {}, tr('case.actions')), caseActions(c, ref, act)));
    }
  };
  await state.refresh();
}

/**
 * The reports of the same problem (issue 20): the one this follows, or those that follow this one,
 * each of which can be split off; and joining this report to another folio by hand.
 * @param {CasePage} c
 */
function clusterPanel(c) {
  const status = h('div', { role: 'status' });
  /** @param {number} caseId */
  const split = async (caseId) => {
    try {
      await api('POST', `/api/staff/cases/${caseId}/cluster/split`);
      await state.refresh?.();
    } catch (error) {
      status.replaceChildren(notice('error', messageOf(error)));
    }
  };
  const open = !isFinal(c.status);
  const join = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        const folio = String(new FormData(/** @type {HTMLFormElement} */ (e.target)).get('folio') ?? '').trim();
        try {
          await api('POST', `/api/staff/cases/${c.id}/cluster/join`, { folio });
          await state.refresh?.();
        } catch (error) {
          status.replaceChildren(notice('error', messageOf(error)));
        }
      },
    },
    field(tr('cluster.join_label'), h('input', { name: 'folio', required: true, maxlength: 40, placeholder: 'AC-2026-000123' })),
    h('button', { type: 'submit', class: 'secondary' }, tr('cluster.join')),
  );
  const { parent, children } = c.cluster;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'cluster-title' },
    h('h3', { id: 'cluster-title' }, tr('cluster.title')),
    status,
    parent
      ? [
          h('p', {}, tr('cluster.follows', { folio: parent.folio }), ' ', h('a', { href: `#/caso/${parent.id}` }, parent.folio)),
          open && h('button', { type: 'button', class: 'secondary', onclick: () => split(c.id) }, tr('cluster.split')),
        ]
      : children.length === 0
        ? h('p', { class: 'muted' }, tr('cluster.none'))
        : [
            h('p', {}, tr('cluster.children', { count: children.length })),
            h(
              'ul',
              { class: 'plain' },
              children.map((k) =>
                h(
                  'li',
                  {},
                  h('a', { href: `#/caso/${k.id}` }, k.folio),
                  ' ',
                  h('span', { class: 'badge' }, tr('channel.' + k.channel)),
                  ' ',
                  h('span', { class: 'badge' }, tr('status.' + k.status)),
                  ' ',
                  h('span', { class: 'muted' }, [fmtDate(k.createdAt), k.address].filter(Boolean).join(' · ')),
                  ' ',
                  !isFinal(k.status) &&
                    h('button', { type: 'button', class: 'secondary', onclick: () => split(k.id) }, tr('cluster.split')),
                ),
              ),
            ),
          ],
    open && !parent && join,
  );
}

/**
 * What else this citizen asked for (the cases the person may see) and where they talked to us,
 * so a clerk sees a repeated report before working it twice.
 * @param {CasePage} c
 */
function citizenHistoryPanel(c) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'history-title' },
    h('h3', { id: 'history-title' }, tr('case.other_cases')),
    citizenCasesList(c.citizenCases, tr('case.no_other_cases')),
    isCross() && [
      h('h3', { class: 'spaced' }, tr('case.conversations')),
      c.citizenConversations.length === 0
        ? h('p', { class: 'muted' }, tr('case.no_conversations'))
        : h(
            'ul',
            { class: 'plain' },
            c.citizenConversations.map((v) =>
              h(
                'li',
                {},
                h('a', { href: `#/conversaciones/${v.id}` }, tr('channel.' + v.channel)),
                ' ',
                h('span', { class: 'badge' }, tr('conv.' + v.status)),
                ' ',
                v.id === c.conversationId && h('span', { class: 'badge ok' }, tr('case.this_conversation')),
                ' ',
                h('span', { class: 'muted' }, fmtDate(v.updatedAt)),
              ),
            ),
          ),
    ],
  );
}

/**
 * The legal clock: due date and term, the extension, the forwarding term, and each automatic step with its date.
 * @param {CasePage} c
 * @param {import('./types').Deadline} d
 */
function deadlinePanel(c, d) {
  const open = !isFinal(c.status);
  const term = d.term ? tr('deadline.term.' + d.term.unit, { n: d.term.days }) : '';
  const left = d.overdue ? tr('days.overdue', { n: Math.max(1, -d.daysLeft) }) : tr('deadline.business_left', { n: d.businessDaysLeft });
  /** @param {import('./types').Checkpoint} p */
  const step = (p) => {
    const who = `${p.notify.map((n) => tr('deadline.notify.' + n)).join(' + ')}${p.urgent ? '' : ` (${tr('follow.in_digest')})`}`;
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
      h('dt', {}, tr('deadline.due')),
      h('dd', { class: d.overdue ? 'due' : undefined }, fmtDay(d.dueAt), term && ` (${term})`, open ? ` · ${left}` : ''),
      h('dt', {}, tr('deadline.extension')),
      h(
        'dd',
        {},
        d.extension.usedAt
          ? tr('deadline.extension_used', { date: fmtDate(d.extension.usedAt), reason: d.extension.reason ?? '' })
          : d.extension.available
            ? tr('deadline.extension_available', { date: fmtDay(d.extension.wouldMoveTo) })
            : tr('deadline.extension_unavailable'),
      ),
      h('dt', {}, tr('deadline.forwarding')),
      h(
        'dd',
        { class: d.forwarding.late ? 'due' : undefined },
        d.forwarding.forwardedAt
          ? tr('deadline.forwarded', { date: fmtDate(d.forwarding.forwardedAt) })
          : tr('deadline.forward_by', { date: fmtDay(d.forwarding.deadline) }),
      ),
      h('dt', {}, tr('deadline.acknowledgement')),
      h(
        'dd',
        {},
        !ack
          ? '—'
          : ack.acknowledgedAt
            ? tr('deadline.acknowledged', { by: ack.acknowledgedBy ?? '', date: fmtDate(ack.acknowledgedAt) })
            : tr('deadline.not_acknowledged', { date: fmtDate(ack.sentAt), remind: fmtDate(ack.remindAt) }),
      ),
    ),
    open && h('h4', {}, tr('deadline.steps')),
    open && h('ol', { class: 'checkpoints' }, d.checkpoints.map(step)),
  );
}

/** Whom to call, or where to write by hand, and why the answer did not go by itself. @param {PendingContact} p */
function callText(p) {
  if (p.phone) return `${tr('call.phone', { phone: p.phone })} · ${tr('call.reason.' + p.reason)}`;
  if (p.email) return `${tr('call.email', { email: p.email })} · ${tr('call.reason.' + p.reason)}`;
  return tr('call.no_phone');
}

/** The answer nobody could be written to: the operator reads it to the citizen on the phone. @param {PendingContact} p */
function callPanel(p) {
  return h(
    'section',
    { class: 'panel call', role: 'alert', 'aria-labelledby': 'call-title' },
    h('h2', { id: 'call-title' }, tr('tray.call')),
    h('p', {}, callText(p)),
    h('p', { class: 'muted' }, tr('call.say')),
    h('blockquote', {}, p.text),
  );
}

/**
 * Admins erase a citizen's personal data on their request (their cases stay, anonymised); the
 * browser's own confirmation stands between a slip and an erasure that cannot be undone.
 * @param {CasePage['citizen']} citizen
 */
function eraseButton(citizen) {
  if (!citizen || !hasRole('admin')) return null;
  const status = h('span', { role: 'status' });
  const erase = async () => {
    if (!window.confirm(tr('case.erase_confirm'))) return;
    try {
      await api('POST', `/api/staff/citizens/${citizen.id}/erase`, { confirm: citizen.id });
      await state.refresh?.();
    } catch (error) {
      status.replaceChildren(notice('error', messageOf(error)));
    }
  };
  return h('p', {}, h('button', { type: 'button', class: 'danger', onclick: erase }, tr('case.erase')), ' ', status);
}

/**
 * The phone centre's registration, shown only when the server sent it (to the staff who may read it).
 * @param {import('./types').CitizenRegistration | undefined} r
 * @returns {import('./types').Child}
 */
function registrationFacts(r) {
  if (!r) return null;
  /** @type {[string, string | undefined][]} */
  const rows = [
    [
      'new.birthdate',
      r.birthdate &&
        new Date(`${r.birthdate}T12:00:00Z`).toLocaleDateString(document.documentElement.lang, { dateStyle: 'medium', timeZone: 'UTC' }),
    ],
    ['new.sex', r.sex && tr('sex.' + r.sex)],
    ['new.birthplace', r.birthplace],
    ['new.home_address', r.address],
  ];
  return rows.filter(([, v]) => v).map(([label, v]) => [h('dt', {}, tr(label)), h('dd', {}, v)]);
}
