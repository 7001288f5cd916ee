// @ts-check
// Diagnóstico (issue 21): the checks of `npx ventanilla doctor`, run by the server, for admins.
import { api, fmtDate, h, messageOf, notice, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {{ id: string; status: 'ok' | 'warn' | 'fail'; message: string; fix?: string }} CheckResult */

const MARK = { ok: '✔', warn: '⚠', fail: '✖' };
const BADGE = { ok: 'badge ok', warn: 'badge new', fail: 'badge late' };

export async function doctorView() {
  const status = h('div', { role: 'status' });
  const results = h('div');
  const rerun = h('button', { type: 'button', onclick: () => void check() }, tr('doctor.rerun'));
  shell('doctor', h('h2', {}, tr('doctor.title')), h('p', {}, tr('doctor.help')), rerun, status, results);
  // Live updates redraw pages on every case change; these checks call out to every platform, so they run on request only.
  state.refresh = null;

  async function check() {
    rerun.setAttribute('disabled', '');
    status.replaceChildren(h('p', { class: 'muted' }, tr('doctor.running')));
    try {
      /** @type {{ checkedAt: string; checks: CheckResult[] }} */
      const report = await api('GET', '/api/staff/doctor');
      const failed = report.checks.filter((c) => c.status === 'fail').length;
      const warned = report.checks.filter((c) => c.status === 'warn').length;
      status.replaceChildren(
        failed > 0
          ? notice('error', tr('doctor.summary_fail', { n: failed }))
          : notice('ok', warned > 0 ? tr('doctor.summary_warn', { n: warned }) : tr('doctor.summary_ok')),
        h('p', { class: 'muted' }, fmtDate(report.checkedAt)),
      );
      results.replaceChildren(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'admin doctor' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['check', 'result', 'fix'].map((k) => h('th', { scope: 'col' }, tr('doctor.' + k))),
              ),
            ),
            h(
              'tbody',
              {},
              report.checks.map((c) =>
                h(
                  'tr',
                  { 'data-check': c.id, 'data-status': c.status },
                  h('td', {}, h('span', { class: BADGE[c.status] }, `${MARK[c.status]} ${tr('doctor.status.' + c.status)}`)),
                  h('td', {}, c.message),
                  h('td', {}, c.fix ?? ''),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      status.replaceChildren(notice('error', messageOf(error)));
    } finally {
      rerun.removeAttribute('disabled');
    }
  }
  await check();
}
