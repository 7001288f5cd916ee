// @ts-check
// The attention register (registro de atenciones): every attention one by one, newest first, a page at a time,
// filtered by days, channel, kind and outcome, and downloadable with the same filters.
import { anyOf, api, CHANNELS, DAY, field, filterForm, h, notice, select, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').RegisterEntry} RegisterEntry */

/** @type {typeof import('../src/understanding/register-vocabulary.js').REGISTER_KINDS} */
const KINDS = ['case_opened', 'information_answered', 'status_lookup', 'handed_to_person', 'abandoned'];
/** @type {typeof import('../src/understanding/register-vocabulary.js').OUTCOMES} */
const OUTCOMES = ['case_opened', 'answered', 'found', 'not_found', 'requested', 'not_understood', 'abandoned'];
const FILTERS = ['from', 'to', 'channel', 'kind', 'outcome'];

/** @param {URLSearchParams} params */
export async function attentionRegisterView(params) {
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
  /** The filters only (no page): what the form shows and the files take. */
  const filters = new URLSearchParams();
  for (const key of FILTERS) {
    const value = params.get(key) ?? (key === 'from' ? monthAgo : key === 'to' ? today : '');
    if (value) filters.set(key, value);
  }
  const form = filterForm(
    '#/registro',
    field(tr('attention.from'), h('input', { type: 'date', name: 'from', value: filters.get('from') ?? '' })),
    field(tr('attention.to'), h('input', { type: 'date', name: 'to', value: filters.get('to') ?? '' })),
    field(tr('filter.channel'), select('channel', anyOf(tr('any'), CHANNELS, 'channel.'), filters.get('channel'))),
    field(tr('register.kind'), select('kind', anyOf(tr('any'), KINDS, 'attention.kind.'), filters.get('kind'))),
    field(tr('register.outcome'), select('outcome', anyOf(tr('any'), OUTCOMES, 'register.outcome.'), filters.get('outcome'))),
    h('div', { class: 'checks' }, h('button', { type: 'submit' }, tr('filter.apply'))),
  );
  const exports = h(
    'div',
    { class: 'row exports' },
    h('a', { class: 'button', href: '/api/staff/attention/export.xlsx?' + filters.toString(), download: '' }, tr('register.export_xlsx')),
    h(
      'a',
      { class: 'button secondary', href: '/api/staff/attention/export.csv?' + filters.toString(), download: '' },
      tr('register.export_csv'),
    ),
  );
  const results = h('div', {}, tr('loading'));
  shell('register', h('h2', {}, tr('register.title')), h('p', {}, tr('register.help')), form, exports, results);

  state.refresh = async () => {
    const query = new URLSearchParams(filters);
    const page = params.get('page');
    if (page) query.set('page', page);
    /** @type {{ entries: RegisterEntry[], next: string | null }} */
    const { entries, next } = await api('GET', '/api/staff/attention?' + query.toString());
    /** @param {string | null} token @param {string} label */
    const pageLink = (token, label) => {
      const target = new URLSearchParams(filters);
      if (token) target.set('page', token);
      return h('a', { class: 'button secondary', href: '#/registro?' + target.toString() }, label);
    };
    const pager = h(
      'nav',
      { class: 'pager', 'aria-label': tr('register.title') },
      page && pageLink(null, tr('register.first')),
      next && pageLink(next, tr('register.next')),
    );
    if (entries.length === 0) return results.replaceChildren(notice('warn', tr('register.empty')), pager);
    const head = ['date', 'time', 'channel', 'kind', 'procedure', 'outcome'];
    results.replaceChildren(
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'register' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              head.map((k) => h('th', { scope: 'col' }, tr('register.col.' + k))),
            ),
          ),
          h(
            'tbody',
            {},
            entries.map((e) =>
              h(
                'tr',
                {},
                h('td', { class: 'date' }, e.date.split('-').reverse().join('/')),
                h('td', { class: 'time' }, e.time),
                h('td', {}, tr('channel.' + e.channel)),
                h('td', {}, tr('attention.kind.' + e.kind)),
                h(
                  'td',
                  { class: 'wide' },
                  e.procedure ?? '',
                  e.procedure && e.folio ? ' · ' : '',
                  e.caseId && e.folio ? h('a', { href: `#/caso/${e.caseId}` }, e.folio) : '',
                ),
                h(
                  'td',
                  { class: 'wide' },
                  h('span', { class: e.outcome === 'abandoned' ? 'badge new' : 'badge' }, tr('register.outcome.' + e.outcome)),
                ),
              ),
            ),
          ),
        ),
      ),
      pager,
    );
  };
  await state.refresh();
}
