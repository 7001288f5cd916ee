// @ts-check
// Charts for the figures pages: Chart.js on a canvas (it styles through the CSSOM, which the
// console's `style-src 'self'` allows), each beside a table with the same numbers. The table is
// the data, for screen readers and copying; the chart is the picture.
import { h, tr } from './lib.js';

/** @typedef {import('./types').Child} Child */
/** @typedef {import('./types').ChartJs} ChartJs */

/** @type {Promise<NonNullable<Window['Chart']>> | null} */
let loading = null;

/** Chart.js, loaded once, on the first page that draws a chart. */
export function chartJs() {
  loading ??= new Promise((resolve, reject) => {
    if (window.Chart) return resolve(window.Chart);
    const script = h('script', { src: '/console/vendor/chart.umd.min.js' });
    script.addEventListener('load', () => (window.Chart ? resolve(window.Chart) : reject(new Error('Chart.js'))));
    script.addEventListener('error', () => {
      loading = null;
      reject(new Error('Chart.js'));
    });
    document.head.appendChild(script);
  });
  return loading;
}

/** The charts on the page now: destroyed before a redraw, so a live refresh leaks no canvas. */
/** @type {ChartJs[]} */
let drawn = [];
export function destroyCharts() {
  for (const chart of drawn) chart.destroy();
  drawn = [];
}

const COLORS = ['#1f6f8b', '#e08a1e', '#8a4fb3', '#3c8d2f', '#b3261e', '#5b6776'];

/**
 * @typedef {object} ChartSpec
 * @property {string} id a stable id for the section (tests and anchors find it by it)
 * @property {string} title
 * @property {string[]} labels
 * @property {{ label: string, data: number[] }[]} series
 * @property {'bar' | 'hbar' | 'line'} [kind] horizontal bars by default: labels stay readable on a tablet
 * @property {string} [rowHeader] the table's first column heading (the title when not given)
 * @property {string} [unit] shown after each value in the table ('%', ' días')
 * @property {string} [help]
 * @property {Child} [table] a table of its own instead of the one made from the series
 */

/**
 * A panel with its title, a chart and its table. The chart is drawn once Chart.js has loaded;
 * until then (or if it never loads) the table is there.
 * @param {ChartSpec} spec
 */
export function chartPanel(spec) {
  const canvas = h('canvas', { role: 'img', 'aria-label': spec.title });
  const kind = spec.kind ?? 'hbar';
  const box = h('div', { class: `chart-box ${kind}` }, canvas);
  if (kind === 'hbar') box.style.height = `${Math.max(120, 34 * spec.labels.length + 40)}px`;
  // All zeros is "nothing to show" for counts; a panel with its own table (a 0 % compliance) still has figures.
  const empty = spec.labels.length === 0 || (!spec.table && spec.series.every((s) => s.data.every((n) => !n)));
  const panel = h(
    'section',
    { class: 'panel dash-item', id: `dash-${spec.id}`, 'aria-labelledby': `dash-${spec.id}-title` },
    h('h3', { id: `dash-${spec.id}-title` }, spec.title),
    spec.help && h('p', { class: 'muted' }, spec.help),
    empty
      ? h('p', { class: 'muted' }, tr('dashboard.none'))
      : h('div', { class: 'dash-body' }, box, h('div', { class: 'table-wrap' }, spec.table ?? seriesTable(spec))),
  );
  if (!empty)
    chartJs()
      .then((Chart) => {
        if (!canvas.isConnected) return;
        drawn.push(
          new Chart(canvas, {
            type: kind === 'line' ? 'line' : 'bar',
            data: {
              labels: kind === 'hbar' ? spec.labels.map((l) => wrap(l)) : spec.labels,
              datasets: spec.series.map((s, i) => ({
                label: s.label,
                data: s.data,
                backgroundColor: COLORS[i % COLORS.length],
                borderColor: COLORS[i % COLORS.length],
              })),
            },
            options: {
              indexAxis: kind === 'hbar' ? 'y' : 'x',
              responsive: true,
              maintainAspectRatio: false,
              animation: false,
              plugins: { legend: { display: spec.series.length > 1 } },
              scales: { [kind === 'hbar' ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } } },
            },
          }),
        );
      })
      .catch(() => box.replaceChildren());
  return panel;
}

/**
 * A long label on lines of about `width` characters: Chart.js cuts a long axis label at the
 * canvas edge, but draws each line of an array.
 * @param {string} label
 */
function wrap(label, width = 22) {
  if (label.length <= width) return label;
  /** @type {string[]} */
  const lines = [];
  for (const word of label.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length < width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** @param {number | null | undefined} n @param {string} [unit] */
export const figure = (n, unit = '') => (n === null || n === undefined ? '—' : `${n.toLocaleString(document.documentElement.lang)}${unit}`);

/** The series as a table: a row per label, a column per series. @param {ChartSpec} spec */
function seriesTable(spec) {
  return h(
    'table',
    { class: 'stats' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, spec.rowHeader ?? spec.title),
        spec.series.map((s) => h('th', { scope: 'col', class: 'num' }, s.label)),
      ),
    ),
    h(
      'tbody',
      {},
      spec.labels.map((label, i) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, label),
          spec.series.map((s) => h('td', { class: 'num' }, figure(s.data[i], spec.unit))),
        ),
      ),
    ),
  );
}
