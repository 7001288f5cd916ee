// @ts-check
// Call-backs (llamadas): the operators' calls.
import { api, CALLBACK_OUTCOMES, fmtDate, h, messageOf, notice, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Callback} Callback */

/** Due calls first with one button per outcome; then the voicemail and wrong-number reports. */
export async function callbacksView() {
  const status = h('div', { id: 'flash' });
  const body = h('div', {}, tr('loading'));
  shell('callbacks', h('h2', {}, tr('callback.title')), status, body);

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

  state.refresh = async () => {
    /** @type {{ now: string, open: Callback[], voicemailReport: Callback[], communicationsOffice: Callback[] }} */
    const { now, open, voicemailReport, communicationsOffice } = await api('GET', '/api/staff/callbacks');
    const at = new Date(now).getTime();
    const head = [
      tr('col.folio'),
      tr('callback.col.phone'),
      tr('case.department'),
      tr('callback.col.next'),
      tr('callback.col.when'),
      tr('callback.col.failed'),
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
                withButtons &&
                  h(
                    'td',
                    { class: 'outcomes' },
                    CALLBACK_OUTCOMES.map((outcome) =>
                      h('button', { type: 'button', class: 'small', onclick: () => log(c, outcome) }, tr('callback.outcome.' + outcome)),
                    ),
                  ),
              );
            }),
          ),
        ),
      );
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
