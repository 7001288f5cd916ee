// @ts-check
// Labelled examples: what citizens picked when the classifier was unsure, to accept or reject for training.
import { adminTable } from './admin.js';
import { api, field, fmtDate, guarded, h, select, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Example} Example */

export async function examplesView() {
  const status = h('div');
  const table = h('div');
  const filter = select(
    'review',
    ['pending', 'accepted', 'rejected'].map((r) => /** @type {const} */ ([r, tr('examples.review.' + r)])),
    'pending',
    { 'aria-label': tr('examples.show') },
  );
  filter.addEventListener('change', () => state.refresh?.());
  const downloads = h(
    'p',
    { class: 'row' },
    h('a', { href: '/api/understanding/examples.csv?field=type', download: 'labelled-type.csv' }, tr('examples.download_type')),
    h('a', { href: '/api/understanding/examples.csv?field=category', download: 'labelled-category.csv' }, tr('examples.download_category')),
  );
  shell(
    'examples',
    h('h2', {}, tr('examples.title')),
    h('p', {}, tr('examples.help')),
    h('div', { class: 'row' }, field(tr('examples.show'), filter)),
    downloads,
    status,
    table,
  );
  state.refresh = async () => {
    /** @type {{ examples: Example[] }} */
    const { examples } = await api('GET', `/api/understanding/examples?review=${encodeURIComponent(filter.value)}`);
    /** @param {string} field @param {string | null} value */
    const label = (field, value) => (value ? (field === 'type' ? tr('type.' + value) : value) : '—');
    /** @param {number} id @param {'accepted' | 'rejected'} decision */
    const decide = (id, decision) =>
      guarded(status, async () => (await api('POST', `/api/understanding/examples/${id}/review`, { decision }), await state.refresh?.()));
    table.replaceChildren(
      examples.length === 0
        ? h('p', {}, tr('examples.none'))
        : adminTable(
            ['ex_text', 'ex_predicted', 'ex_chosen', 'ex_confidence', 'ex_channel', 'ex_date', 'actions'],
            examples.map((e) =>
              h(
                'tr',
                {},
                h('td', {}, e.text),
                h('td', {}, label(e.field, e.predicted)),
                h('td', {}, h('strong', {}, label(e.field, e.chosen))),
                h('td', {}, e.confidence === null ? '—' : `${Math.round(e.confidence * 100)} %`),
                h('td', {}, tr('channel.' + e.channel)),
                h('td', {}, fmtDate(e.createdAt)),
                h(
                  'td',
                  {},
                  e.review === 'pending'
                    ? h(
                        'div',
                        { class: 'row' },
                        h('button', { type: 'button', onclick: () => decide(e.id, 'accepted') }, tr('examples.accept')),
                        h('button', { type: 'button', class: 'secondary', onclick: () => decide(e.id, 'rejected') }, tr('examples.reject')),
                      )
                    : tr('examples.review.' + e.review),
                ),
              ),
            ),
          ),
    );
  };
  await state.refresh();
}
