// @ts-check
// The case page's history in three parts told apart by icon and words, not colour alone:
// the conversation with the citizen, staff's internal notes, and the system's events (src/cases/timeline-kind.ts).
// Filter chips hide the other parts through the `hidden` attribute: no inline style or script, as the console's CSP asks.
import { fmtDate, h, tr } from './lib.js';

/** @typedef {import('./types').CasePage} CasePage */
/** @typedef {import('./types').TimelineItem} TimelineItem */
/** @typedef {import('./types').TimelineKind} TimelineKind */

/** @type {readonly TimelineKind[]} */
const KINDS = ['conversation', 'note', 'event'];

const SVG = 'http://www.w3.org/2000/svg';
/** Line drawings on a 24-unit grid: a speech bubble, a written page, a clock. @type {Record<TimelineKind, string[]>} */
const ICONS = {
  conversation: ['M4 5h16v10H10l-5 4v-4H4z'],
  note: ['M6 3h9l4 4v14H6z', 'M15 3v4h4', 'M9 12h7', 'M9 16h5'],
  event: ['M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0', 'M12 7v5l3 2'],
};

/** An icon for a part of the history; decorative, as the words beside it say the same. @param {TimelineKind} kind */
export function kindIcon(kind) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', `icon icon-${kind}`);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of ICONS[kind]) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/** @param {Extract<TimelineItem, { entry: 'message' }>} item */
function messageLine(item) {
  const way = item.direction === 'in' ? tr('timeline.from_citizen') : tr('timeline.to_citizen');
  return h(
    'li',
    { class: `k-conversation ${item.direction} ${item.author}`, 'data-kind': 'conversation' },
    h(
      'div',
      { class: 'meta' },
      kindIcon('conversation'),
      h('span', { class: 'way' }, way),
      ` · ${tr('author.' + item.author)} · ${tr('channel.' + item.channel)} · ${fmtDate(item.at)}`,
    ),
    h('div', { class: 'text' }, item.text || (item.location ? tr('case.location') : '')),
  );
}

/**
 * @param {Extract<TimelineItem, { entry: 'event' }>} item
 * @param {(item: Extract<TimelineItem, { entry: 'event' }>) => string} describe
 */
function eventLine(item, describe) {
  return h(
    'li',
    { class: `k-${item.kind} event`, 'data-kind': item.kind },
    h(
      'div',
      { class: 'meta' },
      kindIcon(item.kind),
      h('span', { class: 'tag' }, tr('timeline.kind.' + item.kind)),
      ` · ${tr('event.' + item.type)} · ${item.actor ?? tr('author.' + item.actorKind)} · ${fmtDate(item.at)}`,
    ),
    h('div', { class: 'text' }, describe(item)),
  );
}

/**
 * The history panel. The chosen part survives the live redraws of the page (`render` is called on each).
 * @param {(item: Extract<TimelineItem, { entry: 'event' }>) => string} describe one line about an event
 */
export function timelinePanel(describe) {
  /** @type {TimelineKind | 'all'} */
  let shown = 'all';
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': tr('timeline.show') });
  const list = h('ol', { class: 'timeline', 'aria-label': tr('case.timeline') });
  const empty = h('p', { class: 'muted', hidden: true }, tr('timeline.empty'));
  /** @type {CasePage['timeline']} */
  let items = [];

  const apply = () => {
    let visible = 0;
    for (const li of list.children) {
      const hide = shown !== 'all' && li.getAttribute('data-kind') !== shown;
      li.toggleAttribute('hidden', hide);
      if (!hide) visible++;
    }
    empty.toggleAttribute('hidden', visible > 0);
    for (const chip of chips.children) chip.setAttribute('aria-pressed', String(chip.getAttribute('data-kind') === shown));
  };

  const drawChips = () => {
    /** @param {TimelineKind | 'all'} kind @param {string} label @param {number} count */
    const chip = (kind, label, count) =>
      h(
        'button',
        {
          type: 'button',
          class: `chip chip-${kind}`,
          'data-kind': kind,
          'aria-pressed': String(kind === shown),
          onclick: () => {
            shown = kind;
            apply();
          },
        },
        kind === 'all' ? null : kindIcon(kind),
        label,
        ' ',
        h('span', { class: 'count' }, String(count)),
      );
    chips.replaceChildren(
      chip('all', tr('timeline.all'), items.length),
      ...KINDS.map((kind) => chip(kind, tr('timeline.' + kind), items.filter((i) => i.kind === kind).length)),
    );
  };

  return {
    element: h('div', { class: 'timeline-panel' }, chips, list, empty),
    /** @param {CasePage} page */
    render(page) {
      items = page.timeline;
      list.replaceChildren(...items.map((item) => (item.entry === 'message' ? messageLine(item) : eventLine(item, describe))));
      drawChips();
      apply();
    },
  };
}
