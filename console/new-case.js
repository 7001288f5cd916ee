// @ts-check
// Opening a case on behalf of a citizen who called, came in or wrote on social media.
import { api, field, h, messageOf, notice, OFFLINE_CHANNELS, reference, select, state, tr, TYPES } from './lib.js';
import { shell } from './shell.js';

export async function newCaseView() {
  state.refresh = null;
  const ref = await reference();
  const status = h('div');
  const categorySelect = select(
    'category',
    ref.categories.map((c) => /** @type {const} */ ([c.code, c.name])),
    '',
  );
  const typeSelect = select(
    'type',
    TYPES.map((t) => /** @type {const} */ ([t, tr('type.' + t)])),
    'reporte',
  );
  categorySelect.addEventListener('change', () => {
    const chosen = ref.categories.find((c) => c.code === categorySelect.value);
    if (chosen?.defaultType) typeSelect.value = chosen.defaultType;
  });
  const form = h(
    'form',
    {
      class: 'panel',
      onsubmit: async (e) => {
        e.preventDefault();
        const body = Object.fromEntries(new FormData(form));
        try {
          /** @type {{ case: { id: number, folio: string } }} */
          const { case: opened } = await api('POST', '/api/staff/cases', body);
          form.reset();
          status.replaceChildren(
            h(
              'p',
              { class: 'notice ok', role: 'status' },
              tr('new.created', { folio: opened.folio }),
              ' ',
              h('a', { href: `#/caso/${opened.id}` }, opened.folio),
            ),
          );
        } catch (error) {
          status.replaceChildren(notice('error', messageOf(error)));
        }
      },
    },
    h('p', { class: 'muted' }, tr('new.help')),
    status,
    h(
      'div',
      { class: 'grid2' },
      field(
        tr('filter.channel'),
        select(
          'channel',
          OFFLINE_CHANNELS.map((c) => /** @type {const} */ ([c, tr('channel.' + c)])),
          'telefono',
        ),
      ),
      field(tr('col.type'), typeSelect),
      field(tr('col.category'), categorySelect),
      field(tr('new.address'), h('input', { name: 'address' })),
    ),
    field(tr('new.description'), h('textarea', { name: 'description', required: true, minlength: 3 })),
    h(
      'div',
      { class: 'grid2' },
      field(tr('new.name'), h('input', { name: 'name', autocomplete: 'off' })),
      field(tr('new.phone'), h('input', { name: 'phone', type: 'tel', autocomplete: 'off' })),
      field(tr('new.email'), h('input', { name: 'email', type: 'email', autocomplete: 'off' })),
    ),
    h('button', { type: 'submit' }, tr('new.submit')),
  );
  shell('new_case', h('h2', {}, tr('new.title')), form);
}
