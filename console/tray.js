// @ts-check
// The tray (bandeja): the cases a member of staff may see, filtered and sorted, with their days left.
import {
  anyOf,
  api,
  CHANNELS,
  DAY,
  daysBetween,
  field,
  filterForm,
  h,
  isCross,
  notice,
  reference,
  select,
  state,
  STATUSES,
  tr,
  TYPES,
} from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').TrayCase} TrayCase */

/** @param {string} name @param {URLSearchParams} params @param {string} label */
const check = (name, params, label) =>
  h('label', { class: 'inline' }, h('input', { type: 'checkbox', name, value: 'true', checked: params.get(name) === 'true' }), label);

/** The API's query for the page's filters: a "to" day includes all of it. @param {URLSearchParams} params */
function trayQuery(params) {
  const query = new URLSearchParams(params);
  const to = query.get('to');
  if (to) query.set('to', to + 'T23:59:59');
  return query;
}

/** @param {URLSearchParams} params */
export async function trayView(params) {
  const ref = await reference();
  const filters = filterForm(
    '#/bandeja',
    h(
      'label',
      { class: 'search' },
      tr('tray.search'),
      h('input', {
        type: 'search',
        name: 'q',
        value: params.get('q') ?? '',
        maxlength: 200,
        placeholder: tr('tray.search_help'),
        'aria-description': tr('tray.search_help'),
      }),
    ),
    field(tr('filter.status'), select('status', anyOf(tr('any'), STATUSES, 'status.'), params.get('status'))),
    field(tr('filter.type'), select('type', anyOf(tr('any'), TYPES, 'type.'), params.get('type'))),
    field(
      tr('filter.category'),
      select('category', [['', tr('any')], ...ref.categories.map((c) => /** @type {const} */ ([c.code, c.name]))], params.get('category')),
    ),
    isCross() &&
      field(
        tr('filter.department'),
        select(
          'departmentId',
          [['', tr('any')], ...ref.departments.map((d) => /** @type {const} */ ([d.id, d.name]))],
          params.get('departmentId'),
        ),
      ),
    field(tr('filter.channel'), select('channel', anyOf(tr('any'), CHANNELS, 'channel.'), params.get('channel'))),
    field(tr('filter.from'), h('input', { type: 'date', name: 'from', value: params.get('from') ?? '' })),
    field(tr('filter.to'), h('input', { type: 'date', name: 'to', value: params.get('to') ?? '' })),
    field(
      tr('filter.sort'),
      select(
        'sort',
        [
          ['newest', tr('sort.newest')],
          ['urgent', tr('sort.urgent')],
        ],
        params.get('sort'),
      ),
    ),
    h(
      'div',
      { class: 'checks' },
      check('overdue', params, tr('filter.overdue')),
      check('notReceived', params, tr('filter.not_received')),
      check('mine', params, tr('filter.mine')),
      check('pendingContact', params, tr('filter.pending_contact')),
    ),
    h('div', { class: 'checks' }, h('button', { type: 'submit' }, tr('filter.apply'))),
  );
  const results = h('div', {}, tr('loading'));
  // The files have every case the filters select, not only the page shown; a plain link keeps the download the browser's.
  const exportQuery = trayQuery(params);
  exportQuery.delete('limit');
  const exports = h(
    'div',
    { class: 'row exports' },
    h('a', { class: 'button', href: '/api/staff/cases/export.xlsx?' + exportQuery.toString(), download: '' }, tr('tray.export_xlsx')),
    h(
      'a',
      { class: 'button secondary', href: '/api/staff/cases/export.csv?' + exportQuery.toString(), download: '' },
      tr('tray.export_csv'),
    ),
    h('span', { class: 'muted' }, tr('tray.export_help')),
  );
  shell('tray', h('h2', {}, tr('tray.title')), filters, exports, results);

  state.refresh = async () => {
    const query = trayQuery(params);
    /** @type {{ now: string, cases: TrayCase[] }} */
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
        h(
          'td',
          {},
          h('a', { href: `#/caso/${c.id}` }, c.folio),
          ' ',
          c.emergency && h('span', { class: 'badge late' }, tr('emergency')),
          ' ',
          !c.receivedAt && h('span', { class: 'badge new' }, tr('tray.not_received')),
          ' ',
          Boolean(c.pendingContact) && h('span', { class: 'badge call' }, tr('tray.call')),
        ),
        h('td', {}, tr('type.' + c.type)),
        h('td', {}, c.category),
        isCross() && h('td', {}, c.department),
        h('td', {}, c.citizenName ?? '—'),
        // The server sends the start of it; the cell shows two lines and the whole start on hover.
        h('td', {}, h('div', { class: 'clamp', title: c.description }, c.description)),
        h('td', {}, tr('days.age', { n: daysBetween(new Date(c.createdAt).getTime(), at) })),
        h('td', { class: 'due' }, overdue ? tr('days.overdue', { n: Math.max(1, -left) }) : tr('days.left', { n: left })),
        h(
          'td',
          {},
          h('span', { class: 'badge' }, tr('status.' + c.status)),
          ' ',
          h('span', { class: 'muted' }, tr('level.' + c.assignedRole)),
        ),
      );
    });
    const head = ['folio', 'type', 'category', isCross() && 'department', 'citizen', 'description', 'age', 'days_left', 'status'].filter(
      Boolean,
    );
    results.replaceChildren(
      h('p', { class: 'muted' }, tr('tray.count', { n: cases.length })),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              head.map((k) => h('th', { scope: 'col' }, tr('col.' + k))),
            ),
          ),
          h('tbody', {}, rows),
        ),
      ),
    );
  };
  await state.refresh();
}
