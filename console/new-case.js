// @ts-check
// Opening a case on behalf of a citizen who called, came in or wrote on social media.
import { api, field, h, messageOf, notice, OFFLINE_CHANNELS, reference, select, state, tr, TYPES } from './lib.js';
import { shell } from './shell.js';

/** @type {typeof import('../src/citizens/registration.js').SEXES} */
const SEXES = ['mujer', 'hombre', 'otro'];

/**
 * The request: the form's fields as they are, "sin contacto" as a flag, and the registration fields
 * (`reg.<field>`) together, only those filled in.
 * @param {FormData} data
 */
function bodyOf(data) {
  /** @type {Record<string, unknown>} */
  const body = {};
  /** @type {Record<string, string>} */
  const registration = {};
  for (const [name, value] of data) {
    if (typeof value !== 'string') continue;
    if (name === 'noContact') body.noContact = true;
    else if (name.startsWith('reg.')) {
      if (value.trim()) registration[name.slice(4)] = value;
    } else body[name] = value;
  }
  if (Object.keys(registration).length > 0) body.registration = registration;
  return body;
}

/**
 * The phone centre's fields the municipality turned on (none by default), all optional.
 * @param {readonly import('./types').RegistrationField[]} fields
 */
function registrationFields(fields) {
  if (fields.length === 0) return null;
  const today = new Date().toLocaleDateString('en-CA');
  /** @type {Record<import('./types').RegistrationField, () => HTMLElement>} */
  const controls = {
    birthdate: () => field(tr('new.birthdate'), h('input', { name: 'reg.birthdate', type: 'date', min: '1900-01-01', max: today })),
    sex: () =>
      field(
        tr('new.sex'),
        select('reg.sex', [['', tr('new.sex_unset')], ...SEXES.map((x) => /** @type {const} */ ([x, tr('sex.' + x)]))], ''),
      ),
    birthplace: () => field(tr('new.birthplace'), h('input', { name: 'reg.birthplace', autocomplete: 'off', maxlength: 120 })),
    address: () => field(tr('new.home_address'), h('input', { name: 'reg.address', autocomplete: 'off', maxlength: 300 })),
  };
  return h(
    'fieldset',
    { class: 'registration' },
    h('legend', {}, tr('new.registration')),
    h(
      'div',
      { class: 'grid2' },
      fields.map((f) => controls[f]()),
    ),
  );
}

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
        const body = bodyOf(new FormData(form));
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
      h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'noContact' }), tr('new.no_contact')),
    ),
    registrationFields(ref.registrationFields),
    h('button', { type: 'submit' }, tr('new.submit')),
  );
  shell('new_case', h('h2', {}, tr('new.title')), form);
}
