// @ts-check
// The map (issue 20): the open reports with a place, where they concentrate. Leaflet draws circles
// (SVG paths, no marker images), bigger for a report others were joined to, coloured by age; the
// table below lists the points with most reports for those who would rather read. Without a tile
// server the circles sit on a plain background.
import { api, field, filterForm, h, isCross, notice, reference, select, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Leaflet} Leaflet */
/** @typedef {import('./types').MapAnswer} MapAnswer */
/** @typedef {import('./types').MapCase} MapCase */

/** Age bands, in whole days, both ends included; their colours are app.css's `.age-…` (one place for them). */
const BANDS = /** @type {const} */ ([
  { key: 'fresh', min: 0, max: 6 },
  { key: 'week', min: 7, max: 30 },
  { key: 'old', min: 31, max: undefined },
]);
/** Rows of the table of concentrations. */
const TOP = 20;

/** @param {number} ageDays */
const bandOf = (ageDays) => BANDS.find((b) => ageDays >= b.min && (b.max === undefined || ageDays <= b.max)) ?? BANDS[2];

/** A circle's radius in pixels: the area grows with the reports, up to a limit. @param {number} reports */
const radiusOf = (reports) => Math.min(34, 7 + 6 * Math.sqrt(reports - 1));

/** @type {Promise<Leaflet> | null} */
let loading = null;

/** Leaflet's script and stylesheet, loaded once, the first time the map is opened. */
function leaflet() {
  loading ??= new Promise((resolve, reject) => {
    if (window.L) return resolve(window.L);
    const fail = () => {
      loading = null;
      reject(new Error('Leaflet'));
    };
    const css = h('link', { rel: 'stylesheet', href: '/console/vendor/leaflet.css' });
    const script = h('script', { src: '/console/vendor/leaflet.js' });
    let pending = 2;
    const loaded = () => {
      if (--pending > 0) return;
      if (window.L) resolve(window.L);
      else fail();
    };
    for (const el of [css, script]) {
      el.addEventListener('load', loaded);
      el.addEventListener('error', fail);
    }
    document.head.append(css, script);
  });
  return loading;
}

/** Leaflet writes the attribution as HTML; the configured text is shown as text. @param {string} text */
const asText = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The API's query for the page's filters: an age band becomes its days. @param {URLSearchParams} params */
function mapQuery(params) {
  const query = new URLSearchParams();
  for (const name of ['category', 'departmentId']) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  const band = BANDS.find((b) => b.key === params.get('age'));
  if (band) {
    query.set('minAgeDays', String(band.min));
    if (band.max !== undefined) query.set('maxAgeDays', String(band.max));
  }
  return query;
}

/** The map of the page on screen; removed when the page is drawn again, so no map outlives its element. */
/** @type {import('leaflet').Map | null} */
let shown = null;

/** @param {URLSearchParams} params */
export async function mapView(params) {
  // A pan still running (a popup pulled into view) would step on the removed map's panes.
  shown?.stop();
  shown?.remove();
  shown = null;
  const [ref, L] = await Promise.all([reference(), leaflet()]);
  const filters = filterForm(
    '#/mapa',
    field(
      tr('filter.category'),
      select('category', [['', tr('any')], ...ref.categories.map((c) => /** @type {const} */ ([c.code, c.name]))], params.get('category')),
    ),
    field(
      tr('map.age'),
      select('age', [['', tr('any')], ...BANDS.map((b) => /** @type {const} */ ([b.key, tr('map.age.' + b.key)]))], params.get('age')),
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
    h('div', { class: 'checks' }, h('button', { type: 'submit' }, tr('filter.apply'))),
  );
  const notes = h('div');
  const container = h('div', { class: 'map', id: 'case-map', role: 'region', 'aria-label': tr('map.label') });
  const legend = h(
    'ul',
    { class: 'map-legend', 'aria-label': tr('map.legend') },
    h('li', { class: 'legend-title' }, tr('map.legend')),
    BANDS.map((b) => h('li', {}, h('span', { class: `swatch age-${b.key}`, 'aria-hidden': 'true' }), tr('map.age.' + b.key))),
    h('li', { class: 'legend-size' }, h('span', { class: 'swatch big', 'aria-hidden': 'true' }), tr('map.help_size')),
  );
  const top = h('section', { class: 'panel map-top', 'aria-labelledby': 'map-top-title' });
  shell(
    'map',
    h('h2', {}, tr('map.title')),
    h('p', {}, tr('map.help')),
    filters,
    notes,
    h('div', { class: 'panel map-panel' }, container, legend),
    top,
  );

  const map = L.map(container, { minZoom: 3, maxZoom: 19, zoomControl: true });
  shown = map;
  const points = L.layerGroup().addTo(map);
  /** @type {Map<number, import('leaflet').CircleMarker>} */
  const markers = new Map();
  let framed = false;

  state.refresh = async () => {
    /** @type {MapAnswer} */
    const answer = await api('GET', '/api/staff/map?' + mapQuery(params).toString());
    if (shown !== map) return;
    if (!framed) {
      framed = true;
      if (answer.tiles) L.tileLayer(answer.tiles.url, { attribution: asText(answer.tiles.attribution), maxZoom: 19 }).addTo(map);
      container.classList.toggle('map-plain', !answer.tiles);
      const b = answer.bounds;
      if (b)
        map.fitBounds(
          [
            [b.south, b.west],
            [b.north, b.east],
          ],
          { padding: [40, 40], maxZoom: 17 },
        );
      else map.setView([answer.center.lat, answer.center.lon], answer.zoom);
    }
    const reports = answer.cases.reduce((sum, c) => sum + c.reports, 0);
    notes.replaceChildren(
      ...[
        answer.tiles ? null : notice('warn', tr('map.no_tiles')),
        answer.truncated ? notice('warn', tr('map.truncated', { n: answer.cases.length })) : null,
        answer.cases.length === 0
          ? notice('warn', tr('map.empty'))
          : h('p', { class: 'muted' }, tr('map.count', { n: answer.cases.length, r: reports })),
      ].filter((note) => note !== null),
    );
    points.clearLayers();
    markers.clear();
    // Biggest first, so a single report near a cluster is drawn over it and stays clickable.
    for (const c of [...answer.cases].sort((a, b) => b.reports - a.reports)) {
      const marker = L.circleMarker([c.lat, c.lon], {
        radius: radiusOf(c.reports),
        className: `map-point age-${bandOf(c.ageDays).key}${c.reports > 1 ? ' cluster' : ''}`,
        weight: c.reports > 1 ? 2 : 1.5,
        fillOpacity: 0.85,
      });
      marker.bindPopup(popupOf(c));
      // A cluster shows its count on it; a single report says what it is on hover.
      if (c.reports > 1)
        marker.bindTooltip(h('span', {}, String(c.reports)), { permanent: true, direction: 'center', className: 'map-count' });
      else marker.bindTooltip(h('span', {}, `${c.folio} · ${c.categoryName}`), { direction: 'top', offset: [0, -6] });
      marker.addTo(points);
      markers.set(c.id, marker);
    }
    top.replaceChildren(...topTable(answer.cases, (c) => focus(c)));
  };

  /** Centres the map on a point of the table and opens its popup. @param {MapCase} c */
  function focus(c) {
    // At once, not animated: a zoom still animating when the page is drawn again would act on the removed map.
    map.setView([c.lat, c.lon], Math.max(map.getZoom(), 17), { animate: false });
    markers.get(c.id)?.openPopup();
    container.scrollIntoView({ block: 'nearest' });
  }

  await state.refresh();
}

/** What a point's popup says: nothing of the citizen. @param {MapCase} c */
function popupOf(c) {
  return h(
    'div',
    { class: 'map-popup' },
    h('a', { href: `#/caso/${c.id}` }, c.folio),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, tr('col.category')),
      h('dd', {}, c.categoryName),
      isCross() && [h('dt', {}, tr('col.department')), h('dd', {}, c.departmentName)],
      h('dt', {}, tr('col.status')),
      h('dd', {}, tr('status.' + c.status)),
      h('dt', {}, tr('col.age')),
      h('dd', {}, tr('days.age', { n: c.ageDays })),
      h('dt', {}, tr('col.reports')),
      h('dd', {}, tr('map.reports', { n: c.reports })),
    ),
  );
}

/**
 * The points with most reports, for reading rather than looking: the same data as the map.
 * @param {MapCase[]} cases @param {(c: MapCase) => void} onPlace
 */
function topTable(cases, onPlace) {
  const title = h('h3', { id: 'map-top-title' }, tr('map.top'));
  if (cases.length === 0) return [title, h('p', { class: 'muted' }, tr('map.empty'))];
  const rows = [...cases]
    .sort((a, b) => b.reports - a.reports || b.ageDays - a.ageDays || a.id - b.id)
    .slice(0, TOP)
    .map((c) =>
      h(
        'tr',
        {},
        h('td', {}, h('a', { href: `#/caso/${c.id}` }, c.folio)),
        h('td', { class: 'num' }, String(c.reports)),
        h('td', {}, c.categoryName),
        isCross() && h('td', {}, c.departmentName),
        h('td', {}, h('span', { class: `swatch age-${bandOf(c.ageDays).key}`, 'aria-hidden': 'true' }), tr('days.age', { n: c.ageDays })),
        h('td', {}, h('span', { class: 'badge' }, tr('status.' + c.status))),
        h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => onPlace(c) }, `${c.lat.toFixed(5)}, ${c.lon.toFixed(5)}`)),
      ),
    );
  const head = ['folio', 'reports', 'category', isCross() && 'department', 'age', 'status', 'place'].filter(Boolean);
  return [
    title,
    h('p', { class: 'muted' }, tr('map.top_help')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'map-table' },
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
  ];
}
