// @ts-check
// Call-backs (llamadas): the operators' calls.
import { api, CALLBACK_OUTCOMES, fmtDate, h, hasRole, messageOf, notice, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Callback} Callback */

/**
 * Due calls first with one button per outcome; then the voicemail and wrong-number reports.
 * "Mis llamadas" (the default for operators) shows those assigned to me; coordinators and admins
 * assign each call or share the unassigned ones out (issue 17).
 * @param {URLSearchParams} [query]
 */
export async function callbacksView(query = new URLSearchParams()) {
  const status = h('div', { id: 'flash' });
  const body = h('div', {}, tr('loading'));
  const assigner = hasRole('admin', 'coordinador');
  const showMine = (query.get('ver') ?? (hasRole('operador') ? 'mias' : 'todas')) === 'mias';
  /** @param {string} ver @param {string} key @param {boolean} current */
  const tab = (ver, key, current) => h('a', { href: `#/llamadas?ver=${ver}`, 'aria-current': current ? 'page' : undefined }, tr(key));
  const evenly =
    assigner &&
    h(
      'button',
      {
        type: 'button',
        class: 'small',
        onclick: async () => {
          try {
            /** @type {{ assigned: unknown[] }} */
            const { assigned } = await api('POST', '/api/staff/callbacks/assign-evenly', {});
            status.replaceChildren(notice('ok', tr('callback.assigned_evenly', { count: assigned.length })));
            await state.refresh?.();
          } catch (error) {
            status.replaceChildren(notice('error', messageOf(error)));
          }
        },
      },
      tr('callback.assign_evenly'),
    );
  const tabs = h(
    'div',
    { class: 'callback-tabs' },
    tab('mias', 'callback.mine', showMine),
    tab('todas', 'callback.all', !showMine),
    evenly,
  );
  shell('callbacks', h('h2', {}, tr('callback.title')), tabs, status, body);
  /** @type {{ assignees: Array<{ id: number, name: string }> }} */
  const { assignees } = assigner ? await api('GET', '/api/staff/callbacks/assignees') : { assignees: [] };

  /** Who is to call: a picker for those who assign, the name for everybody else. @param {Callback} c */
  const assignedCell = (c) => {
    if (!assigner) return c.assignedName ?? tr('callback.unassigned');
    const picker = h(
      'select',
      {
        'aria-label': `${tr('callback.assign')} ${c.folio}`,
        onchange: async (/** @type {Event} */ event) => {
          const value = /** @type {HTMLSelectElement} */ (event.target).value;
          try {
            await api('POST', `/api/staff/callbacks/${c.id}/assign`, { staffUserId: value ? Number(value) : null });
            await state.refresh?.();
          } catch (error) {
            status.replaceChildren(notice('error', messageOf(error)));
          }
        },
      },
      h('option', { value: '' }, tr('callback.unassigned')),
      assignees.map((a) => h('option', { value: String(a.id), selected: a.id === c.assignedTo }, a.name)),
    );
    return picker;
  };

  /** @param {Callback} c @param {string} outcome */
  const log = async (c, outcome) => {
    try {
      /** @type {{ step: { nextAction: string, instruction: string | null } }} */
      const { step } = await api('POST', `/api/staff/callbacks/${c.id}/attempts`, { outcome });
      status.replaceChildren(
        notice(
          'ok',
          [
            tr('callback.logged', { next: tr('callback.next.' + step.nextAction) }),
            step.instruction ? ' ' + tr('callback.instruction.' + step.instruction) : '',
          ].join(''),
        ),
      );
      await state.refresh?.();
    } catch (error) {
      status.replaceChildren(notice('error', messageOf(error)));
    }
  };

  /** The SMS the rules left to a person (no gateway configured): once sent, say so and the call-back closes. @param {Callback} c */
  const markSent = async (c) => {
    try {
      await api('POST', `/api/staff/callbacks/${c.id}/message-sent`, {});
      status.replaceChildren(notice('ok', tr('callback.marked_sent')));
      await state.refresh?.();
    } catch (error) {
      status.replaceChildren(notice('error', messageOf(error)));
    }
  };

  state.refresh = async () => {
    /** @type {{ now: string, open: Callback[], voicemailReport: Callback[], communicationsOffice: Callback[] }} */
    const { now, open, voicemailReport, communicationsOffice } = await api('GET', `/api/staff/callbacks${showMine ? '?mine=1' : ''}`);
    const at = new Date(now).getTime();
    const head = [
      tr('col.folio'),
      tr('callback.col.phone'),
      tr('case.department'),
      tr('callback.col.next'),
      tr('callback.col.when'),
      tr('callback.col.failed'),
      tr('callback.col.assigned'),
    ];
    /** @param {Callback[]} rows @param {boolean} withButtons */
    const table = (rows, withButtons) =>
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'admin' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [...head, ...(withButtons ? [tr('callback.col.log')] : [])].map((k) => h('th', { scope: 'col' }, k)),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map((c) => {
              const due = c.nextActionAt && new Date(c.nextActionAt).getTime() <= at;
              return h(
                'tr',
                { class: due ? 'overdue' : undefined },
                h('td', {}, h('a', { href: `#/caso/${c.caseId}` }, c.folio), c.citizenName ? ` · ${c.citizenName}` : ''),
                h('td', {}, c.phone ?? '—'),
                h('td', {}, c.department),
                h('td', {}, tr('callback.next.' + c.nextAction)),
                h(
                  'td',
                  {},
                  c.nextActionAt ? fmtDate(c.nextActionAt) : '—',
                  due ? [' ', h('span', { class: 'badge late' }, tr('callback.due'))] : '',
                ),
                h('td', {}, String(c.failedCalls)),
                h('td', {}, assignedCell(c)),
                withButtons &&
                  h(
                    'td',
                    { class: 'outcomes' },
                    c.nextAction === 'send_message'
                      ? c.messageLeftToStaff
                        ? h('button', { type: 'button', class: 'small', onclick: () => markSent(c) }, tr('callback.mark_sent'))
                        : h('span', { class: 'muted' }, tr('callback.message_on_its_way'))
                      : CALLBACK_OUTCOMES.map((outcome) =>
                          h(
                            'button',
                            { type: 'button', class: 'small', onclick: () => log(c, outcome) },
                            tr('callback.outcome.' + outcome),
                          ),
                        ),
                  ),
              );
            }),
          ),
        ),
      );
    body.replaceChildren(
      open.length === 0 ? notice('ok', tr(showMine ? 'callback.empty_mine' : 'callback.empty')) : table(open, true),
      h('h3', { class: 'spaced' }, tr('callback.voicemail_report')),
      voicemailReport.length === 0 ? h('p', { class: 'muted' }, '—') : table(voicemailReport, false),
      h('h3', { class: 'spaced' }, tr('callback.communications')),
      hasRole('admin', 'coordinador', 'operador')
        ? h(
            'p',
            { class: 'toolbar' },
            h('a', { class: 'button', href: '/api/staff/callbacks/wrong-numbers.xlsx', download: '' }, tr('callback.export_xlsx')),
            ' ',
            h('a', { class: 'button secondary', href: '/api/staff/callbacks/wrong-numbers.csv', download: '' }, tr('callback.export_csv')),
          )
        : '',
      communicationsOffice.length === 0 ? h('p', { class: 'muted' }, '—') : table(communicationsOffice, false),
    );
  };
  await state.refresh();
}
