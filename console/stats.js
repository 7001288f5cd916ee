// @ts-check
// The attention log's figures over a period, drawn with Chart.js beside their tables (the case statistics are dashboard.js).
import { chartPanel, destroyCharts } from './charts.js';
import { api, DAY, field, h, messageOf, notice, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Attention} Attention */
/** @typedef {import('./types').Child} Child */
/** @typedef {import('./types').Dashboard} Dashboard */

/**
 * @param {string} id
 * @param {string} title
 * @param {string} rowHeader
 * @param {[string, number][]} entries label and value of each bar
 */
const chart = (id, title, rowHeader, entries) =>
  chartPanel({
    id,
    title,
    rowHeader,
    labels: entries.map(([label]) => label),
    series: [{ label: tr('dashboard.col.attentions'), data: entries.map(([, n]) => n) }],
  });

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
    destroyCharts();
    body.replaceChildren(...render(data));
  };
  await state.refresh();
}

/** The attention log: what the assistant answered, by kind, channel and procedure. @param {URLSearchParams} query */
export function attentionView(query) {
  // The attention log keeps the procedure's id; the dashboard names it from the catalogue.
  /** @type {(from: string, to: string) => Promise<Attention & { names: Map<string, string> }>} */
  const load = async (from, to) => {
    const [attention, { dashboard }] = await Promise.all([
      /** @type {Promise<Attention>} */ (api('GET', `/api/understanding/attention?${new URLSearchParams({ from, to, per: 'period' })}`)),
      /** @type {Promise<{ dashboard: Dashboard }>} */ (
        api('GET', `/api/staff/dashboard?${new URLSearchParams({ from, to, granularity: 'month' })}`)
      ),
    ]);
    return { ...attention, names: new Map((dashboard.attention?.procedures ?? []).map((p) => [p.procedureId, p.procedure])) };
  };
  return periodView('attention', query, load, (data) => {
    const total = Object.values(data.totals.byKind).reduce((a, b) => a + b, 0);
    /** @type {[string, number][]} */
    const procedures = data.totals.procedures.slice(0, 10).map((p) => [data.names.get(p.procedureId) ?? p.procedureId, p.count]);
    return [
      h('p', {}, tr('attention.total', { n: total })),
      h(
        'div',
        { class: 'dash-grid' },
        chart(
          'by-kind',
          tr('attention.by_kind'),
          tr('dashboard.col.attention_kind'),
          byCount(data.totals.byKind).map(([k, n]) => [tr('attention.kind.' + k), n]),
        ),
        chart(
          'by-channel',
          tr('attention.by_channel'),
          tr('dashboard.col.channel'),
          byCount(data.totals.byChannel).map(([c, n]) => [tr('channel.' + c), n]),
        ),
        procedures.length > 0 && chart('procedures', tr('attention.top_procedures'), tr('dashboard.col.procedure'), procedures),
      ),
    ];
  });
}
