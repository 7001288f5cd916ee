// @ts-check
// The coordinator's dashboard (issue 17): figures of a period with filters, each chart beside its
// table, the spreadsheet of every table and the month's report for the mayor's office.
import { chartPanel, destroyCharts, figure } from './charts.js';
import { api, CHANNELS, field, h, isCross, messageOf, notice, reference, select, state, STATUSES, tr, TYPES } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Dashboard} Dashboard */
/** @typedef {import('./types').Child} Child */

const AGES = /** @type {const} */ (['0-7', '8-15', '16-30', '31+']);
const GRANULARITIES = /** @type {const} */ (['day', 'week', 'month']);

/** A local day as the municipality writes it on the axis: 3 feb, feb 2026. @param {string} day @param {string} granularity */
function stepLabel(day, granularity) {
  const date = new Date(`${day}T12:00:00Z`);
  const options = /** @type {Intl.DateTimeFormatOptions} */ (
    granularity === 'month' ? { month: 'short', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' }
  );
  return date.toLocaleDateString(document.documentElement.lang, options);
}

/** @param {Date} d */
const localDay = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** @param {URLSearchParams} query */
export async function statsView(query) {
  const ref = await reference();
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 29 * 86_400_000);
  const from = h('input', { type: 'date', name: 'from', value: query.get('from') ?? localDay(monthAgo) });
  const to = h('input', { type: 'date', name: 'to', value: query.get('to') ?? localDay(today) });
  const department = select(
    'departmentId',
    [['', tr('dashboard.all_departments')], ...ref.departments.map((d) => /** @type {const} */ ([d.id, d.name]))],
    query.get('departmentId'),
  );
  const type = select(
    'type',
    [['', tr('dashboard.all_types')], ...TYPES.map((t) => /** @type {const} */ ([t, tr('type.' + t)]))],
    query.get('type'),
  );
  const channel = select(
    'channel',
    [['', tr('dashboard.all_channels')], ...CHANNELS.map((c) => /** @type {const} */ ([c, tr('channel.' + c)]))],
    query.get('channel'),
  );
  const granularity = select(
    'granularity',
    GRANULARITIES.map((g) => /** @type {const} */ ([g, tr('dashboard.granularity.' + g)])),
    query.get('granularity') ?? 'day',
  );
  // The report's month follows the period's end until one is picked.
  const month = h('input', { type: 'month', name: 'month', value: to.value.slice(0, 7) });
  const xlsx = h('a', { class: 'button secondary', download: '' }, tr('dashboard.export_xlsx'));
  const pdf = h('a', { class: 'button secondary', download: '' }, tr('dashboard.monthly_pdf'));

  const params = () => {
    const p = new URLSearchParams({ from: from.value, to: to.value, granularity: granularity.value });
    if (department.value) p.set('departmentId', department.value);
    if (type.value) p.set('type', type.value);
    if (channel.value) p.set('channel', channel.value);
    return p;
  };
  let monthPicked = false;
  const links = () => {
    if (!monthPicked && to.value) month.value = to.value.slice(0, 7);
    xlsx.href = `/api/staff/stats/export.xlsx?${params()}`;
    pdf.href = `/api/staff/reports/monthly.pdf?month=${encodeURIComponent(month.value)}`;
  };
  month.addEventListener('change', () => {
    monthPicked = true;
    links();
  });

  const status = h('div');
  const body = h('div');
  const form = h(
    'form',
    { class: 'panel filters dash-filters', onsubmit: (e) => (e.preventDefault(), state.refresh?.()), onchange: links },
    field(tr('attention.from'), from),
    field(tr('attention.to'), to),
    isCross() && field(tr('dashboard.department'), department),
    field(tr('dashboard.type'), type),
    field(tr('dashboard.channel'), channel),
    field(tr('dashboard.granularity'), granularity),
    h('div', { class: 'row dash-actions' }, h('button', { type: 'submit' }, tr('attention.show')), xlsx),
    h('div', { class: 'row dash-actions' }, field(tr('dashboard.month'), month), pdf),
  );
  shell('stats', h('h2', {}, tr('stats.title')), h('p', {}, tr('dashboard.help')), form, status, body);
  links();

  state.refresh = async () => {
    /** @type {Dashboard} */
    let d;
    try {
      /** @type {{ dashboard: Dashboard }} */
      const answer = await api('GET', `/api/staff/dashboard?${params()}`);
      d = answer.dashboard;
      status.replaceChildren();
    } catch (error) {
      status.replaceChildren(notice('error', messageOf(error)));
      return;
    }
    links();
    destroyCharts();
    body.replaceChildren(...render(d));
  };
  await state.refresh();
}

/** @param {Dashboard} d @returns {Node[]} */
function render(d) {
  const t = d.totals;
  /** @param {number | null} n */
  const inDays = (n) => (n === null ? '—' : tr('stats.days', { n: n.toLocaleString(document.documentElement.lang) }));
  /** @type {[string, string, boolean?][]} */
  const kpis = [
    ['stats.col.opened', String(t.opened)],
    ['stats.col.open', String(t.open)],
    ['stats.col.closed', String(t.closed)],
    ['stats.col.no_procede', String(t.noProcede)],
    ['stats.col.overdue', String(t.overdueOpen), t.overdueOpen > 0],
    ['stats.col.median', inDays(t.medianDaysToClose)],
    ['dashboard.kpi.compliance', figure(d.compliance.share, ' %')],
    ['dashboard.kpi.first_response_median', figure(d.durations.toFirstResponse.medianDays)],
    ['dashboard.kpi.satisfaction', figure(d.satisfaction.averageRating)],
  ];
  const sorted = (/** @type {Record<string, number>} */ record) => Object.entries(record).sort((a, b) => b[1] - a[1]);
  const channels = sorted(d.byChannel);
  const topCategories = d.byCategory.slice(0, 12);
  const col = (/** @type {string} */ key) => tr('dashboard.col.' + key);

  return [
    h(
      'ul',
      { class: 'kpis', 'aria-label': tr('stats.summary') },
      kpis.map(([key, value, late]) =>
        h('li', { class: late ? 'late' : undefined }, h('span', { class: 'kpi-value' }, value), h('span', { class: 'kpi-label' }, tr(key))),
      ),
    ),
    h(
      'div',
      { class: 'dash-grid' },
      chartPanel({
        id: 'series',
        rowHeader: col('period'),
        title: tr('dashboard.table.series'),
        kind: 'bar',
        labels: d.series.map((p) => stepLabel(p.period, d.granularity)),
        series: [
          { label: col('opened'), data: d.series.map((p) => p.opened) },
          { label: col('closed'), data: d.series.map((p) => p.closed) },
          { label: col('no_procede'), data: d.series.map((p) => p.noProcede) },
        ],
      }),
      chartPanel({
        id: 'by-type',
        rowHeader: col('type'),
        title: tr('dashboard.table.by_type'),
        labels: TYPES.map((k) => tr('type.' + k)),
        series: [{ label: col('cases'), data: TYPES.map((k) => d.byType[k]) }],
      }),
      chartPanel({
        id: 'by-category',
        rowHeader: col('category'),
        title: tr('dashboard.table.by_category'),
        labels: topCategories.map((c) => c.category),
        series: [{ label: col('cases'), data: topCategories.map((c) => c.cases) }],
      }),
      d.scope === 'all' &&
        chartPanel({
          id: 'by-department',
          title: tr('dashboard.table.by_department'),
          labels: d.byDepartment.map((r) => r.department),
          series: [
            { label: col('opened'), data: d.byDepartment.map((r) => r.opened) },
            { label: col('closed'), data: d.byDepartment.map((r) => r.closed) },
          ],
          table: departmentTable(d, inDays),
        }),
      chartPanel({
        id: 'by-channel',
        rowHeader: col('channel'),
        title: tr('dashboard.table.by_channel'),
        labels: channels.map(([k]) => tr('channel.' + k)),
        series: [{ label: col('cases'), data: channels.map(([, n]) => n) }],
      }),
      chartPanel({
        id: 'by-status',
        rowHeader: col('status'),
        title: tr('dashboard.table.by_status'),
        labels: STATUSES.map((s) => tr('status.' + s)),
        series: [{ label: col('cases'), data: STATUSES.map((s) => d.byStatus[s]) }],
      }),
      chartPanel({
        id: 'age',
        rowHeader: col('age'),
        title: tr('dashboard.table.age'),
        help: tr('dashboard.age_help'),
        labels: AGES.map((a) => tr('dashboard.age.' + a)),
        series: [{ label: col('cases'), data: AGES.map((a) => d.openByAge[a]) }],
      }),
      chartPanel({
        id: 'compliance',
        title: tr('dashboard.table.compliance'),
        help: tr('dashboard.compliance_help'),
        // Only departments with cases due: a bar of 0 % means late answers, not no cases.
        labels: d.compliance.byDepartment.filter((r) => r.due > 0).map((r) => r.department),
        series: [{ label: col('share'), data: d.compliance.byDepartment.filter((r) => r.due > 0).map((r) => r.share ?? 0) }],
        unit: ' %',
        table: complianceTable(d),
      }),
      h(
        'section',
        { class: 'panel dash-item', id: 'dash-durations', 'aria-labelledby': 'dash-durations-title' },
        h('h3', { id: 'dash-durations-title' }, tr('dashboard.table.durations')),
        table(
          [col('measure'), col('cases'), col('mean'), col('median')],
          [
            [tr('dashboard.duration.first_response'), d.durations.toFirstResponse],
            [tr('dashboard.duration.close'), d.durations.toClose],
          ].map(([name, f]) => {
            const figures = /** @type {Dashboard['durations']['toClose']} */ (f);
            return [String(name), figure(figures.cases), inDays(figures.meanDays), inDays(figures.medianDays)];
          }),
        ),
      ),
      chartPanel({
        id: 'satisfaction',
        rowHeader: col('rating'),
        title: tr('stats.satisfaction', {
          avg: figure(d.satisfaction.averageRating),
          n: d.satisfaction.answered,
          unsolved: d.satisfaction.unsolved,
          reopened: d.satisfaction.reopened,
        }),
        labels: ['5', '4', '3', '2', '1'].map((r) => `${r} ★`),
        series: [{ label: col('answers'), data: /** @type {const} */ (['5', '4', '3', '2', '1']).map((r) => d.satisfaction.byRating[r]) }],
      }),
      d.attention &&
        chartPanel({
          id: 'procedures',
          rowHeader: col('procedure'),
          title: tr('dashboard.table.procedures'),
          help: tr('dashboard.attention_help'),
          labels: d.attention.procedures.slice(0, 12).map((p) => p.procedure),
          series: [{ label: col('questions'), data: d.attention.procedures.slice(0, 12).map((p) => p.count) }],
        }),
      d.attention &&
        chartPanel({
          id: 'attention',
          rowHeader: col('attention_kind'),
          title: tr('dashboard.table.attention'),
          labels: Object.keys(d.attention.byKind).map((k) => tr('attention.kind.' + k)),
          series: [{ label: col('attentions'), data: Object.values(d.attention.byKind) }],
        }),
    ),
  ];
}

/**
 * @param {string[]} headers
 * @param {string[][]} rows the first cell is the row's header
 * @param {string[]} [foot]
 */
function table(headers, rows, foot) {
  const row = (/** @type {string[]} */ cells, /** @type {string} */ kind) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, cells[0] ?? ''),
      cells.slice(1).map((c) => h('td', { class: kind }, c)),
    );
  return h(
    'table',
    { class: 'stats' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : undefined }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) => row(r, 'num')),
    ),
    foot && h('tfoot', {}, row(foot, 'num')),
  );
}

/** The per-department table the statistics page always had, with its total. @param {Dashboard} d @param {(n: number | null) => string} inDays */
function departmentTable(d, inDays) {
  const cols = ['opened', 'open', 'closed', 'no_procede', 'overdue', 'median'];
  /** @param {Dashboard['totals']} c */
  const cells = (c) => [c.opened, c.open, c.closed, c.noProcede, c.overdueOpen].map(String).concat(inDays(c.medianDaysToClose));
  return table(
    [tr('col.department'), ...cols.map((k) => tr('stats.col.' + k))],
    d.byDepartment.map((r) => [r.department, ...cells(r)]),
    [tr('stats.total'), ...cells(d.totals)],
  );
}

/** @param {Dashboard} d */
function complianceTable(d) {
  const c = d.compliance;
  /** @param {Dashboard['compliance']} r */
  const cells = (r) => [r.due, r.onTime, r.late, r.unanswered].map((n) => figure(n)).concat(figure(r.share, ' %'));
  return table(
    [tr('col.department'), ...['due', 'on_time', 'late', 'unanswered', 'share'].map((k) => tr('dashboard.col.' + k))],
    c.byDepartment.map((r) => [r.department, ...cells({ ...r, byDepartment: [] })]),
    [tr('stats.total'), ...cells(c)],
  );
}
