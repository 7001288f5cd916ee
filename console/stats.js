// @ts-check
// Pages over a period, drawn as bar charts: the attention log and the case statistics.
import { api, DAY, field, h, messageOf, notice, state, STATUSES, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Attention} Attention */
/** @typedef {import('./types').Child} Child */
/** @typedef {import('./types').Stats} Stats */
/** @typedef {import('./types').StatsRow} StatsRow */

/**
 * Horizontal bars: coordinators read proportions at a glance, the numbers stay beside them.
 * @param {string} title
 * @param {(readonly [string, number])[]} entries label and value of each bar
 */
function barChart(title, entries) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h(
    'figure',
    { class: 'panel chart' },
    h('figcaption', {}, title),
    h(
      'ul',
      { class: 'bars' },
      entries.map(([label, n]) =>
        h(
          'li',
          {},
          h('span', { class: 'bar-label' }, label),
          h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar((100 * n) / max)),
          h('span', { class: 'bar-value' }, String(n)),
        ),
      ),
    ),
  );
}

/** The width goes through the CSSOM, which style-src 'self' allows; a style attribute it blocks. @param {number} percent */
function bar(percent) {
  const el = h('span', { class: 'bar' });
  el.style.width = `${percent}%`;
  return el;
}

/** @param {Record<string, number>} record */
const byCount = (record) => Object.entries(record).sort((a, b) => b[1] - a[1]);

/**
 * A page over a period: dates (the last 30 days by default), a "show" button, and a body
 * drawn from what `load(from, to)` returns; a failed load shows its error and keeps the form.
 * @template T
 * @param {string} page
 * @param {URLSearchParams} query
 * @param {(from: string, to: string) => Promise<T>} load
 * @param {(data: T) => Node[]} render
 */
async function periodView(page, query, load, render) {
  const status = h('div');
  const body = h('div');
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
  const from = h('input', { type: 'date', name: 'from', value: query.get('from') ?? monthAgo });
  const to = h('input', { type: 'date', name: 'to', value: query.get('to') ?? today });
  const form = h(
    'form',
    { class: 'row', onsubmit: (e) => (e.preventDefault(), state.refresh?.()) },
    field(tr('attention.from'), from),
    field(tr('attention.to'), to),
    h('button', { type: 'submit' }, tr('attention.show')),
  );
  shell(page, h('h2', {}, tr(page + '.title')), h('p', {}, tr(page + '.help')), form, status, body);
  state.refresh = async () => {
    let data;
    try {
      data = await load(from.value, to.value);
      status.replaceChildren();
    } catch (error) {
      status.replaceChildren(notice('error', messageOf(error)));
      return;
    }
    body.replaceChildren(...render(data));
  };
  await state.refresh();
}

/** The attention log: what the assistant answered, by kind, channel and procedure. @param {URLSearchParams} query */
export function attentionView(query) {
  /** @type {(from: string, to: string) => Promise<Attention>} */
  const load = (from, to) => api('GET', `/api/understanding/attention?from=${from}&to=${to}`);
  return periodView('attention', query, load, (data) => {
    /** @type {Record<string, number>} */
    const byDetail = {};
    for (const c of data.counts)
      if (c.kind === 'information_answered' && c.detail) byDetail[c.detail] = (byDetail[c.detail] ?? 0) + c.count;
    const total = Object.values(data.totals.byKind).reduce((a, b) => a + b, 0);
    return [
      h('p', {}, tr('attention.total', { n: total })),
      h(
        'div',
        { class: 'charts' },
        barChart(
          tr('attention.by_kind'),
          byCount(data.totals.byKind).map(([k, n]) => [tr('attention.kind.' + k), n]),
        ),
        barChart(
          tr('attention.by_channel'),
          byCount(data.totals.byChannel).map(([c, n]) => [tr('channel.' + c), n]),
        ),
        Object.keys(byDetail).length > 0 && barChart(tr('attention.top_procedures'), byCount(byDetail).slice(0, 10)),
      ),
    ];
  });
}

/** Cases opened in a period, for coordinators (department staff see their own department). @param {URLSearchParams} query */
export function statsView(query) {
  // Local days: from the first instant of "from" to the last of "to".
  /** @param {string} from @param {string} to */
  const load = async (from, to) => {
    const range = new URLSearchParams({
      from: new Date(from + 'T00:00:00').toISOString(),
      to: new Date(to + 'T23:59:59.999').toISOString(),
    });
    /** @type {{ stats: Stats }} */
    const { stats } = await api('GET', '/api/staff/stats?' + range.toString());
    return stats;
  };
  return periodView('stats', query, load, (stats) => {
    /** @param {Record<string, number>} record */
    const sorted = (record) => byCount(record).filter(([, n]) => n > 0);
    const t = stats.totals;
    /** @param {number | null} n */
    const days = (n) => (n === null ? '—' : tr('stats.days', { n: n.toLocaleString(document.documentElement.lang) }));
    const cols = ['opened', 'open', 'closed', 'no_procede', 'overdue', 'median'];
    /** @param {StatsRow} c */
    const cells = (c) => [c.opened, c.open, c.closed, c.noProcede, c.overdueOpen, days(c.medianDaysToClose)];
    const s = stats.satisfaction;
    return [
      h(
        'ul',
        { class: 'kpis', 'aria-label': tr('stats.summary') },
        cols.map((k, i) =>
          h(
            'li',
            { class: k === 'overdue' && t.overdueOpen > 0 ? 'late' : undefined },
            h('span', { class: 'kpi-value' }, String(cells(t)[i])),
            h('span', { class: 'kpi-label' }, tr('stats.col.' + k)),
          ),
        ),
      ),
      h(
        'div',
        { class: 'charts' },
        stats.scope === 'all' &&
          barChart(
            tr('stats.by_department'),
            stats.byDepartment
              .filter((d) => d.opened > 0)
              .sort((a, b) => b.opened - a.opened)
              .map((d) => [d.department, d.opened]),
          ),
        barChart(
          tr('stats.by_type'),
          sorted(stats.byType).map(([k, n]) => [tr('type.' + k), n]),
        ),
        barChart(
          tr('stats.by_channel'),
          sorted(stats.byChannel).map(([k, n]) => [tr('channel.' + k), n]),
        ),
        barChart(
          tr('stats.by_status'),
          STATUSES.flatMap((st) => {
            const n = stats.byStatus[st] ?? 0;
            return n > 0 ? [/** @type {const} */ ([tr('status.' + st), n])] : [];
          }),
        ),
        s.answered > 0 &&
          barChart(
            tr('stats.satisfaction', { avg: s.averageRating ?? '—', n: s.answered, unsolved: s.unsolved, reopened: s.reopened }),
            ['5', '4', '3', '2', '1'].map((r) => [`${r} ★`, s.byRating[r] ?? 0]),
          ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'per-dept' },
        h('h3', { id: 'per-dept' }, tr('stats.per_department')),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'stats' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, tr('col.department')),
                cols.map((k) => h('th', { scope: 'col', class: 'num' }, tr('stats.col.' + k))),
              ),
            ),
            h(
              'tbody',
              {},
              stats.byDepartment.map((d) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, d.department),
                  cells(d).map((v, i) => h('td', { class: cols[i] === 'overdue' && Number(v) > 0 ? 'num due' : 'num' }, String(v))),
                ),
              ),
            ),
            stats.scope === 'all' &&
              h(
                'tfoot',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, tr('stats.total')),
                  cells(t).map((v) => h('td', { class: 'num' }, String(v))),
                ),
              ),
          ),
        ),
      ),
    ];
  });
}
