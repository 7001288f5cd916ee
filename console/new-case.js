// @ts-check
// Opening a case on behalf of a citizen who called, came in or wrote on social media.
import { api, field, h, identityOf, messageOf, notice, OFFLINE_CHANNELS, reference, select, state, tr, TYPES } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Conversation} Conversation */

/** What the citizen wrote, for the description: their latest messages, oldest first, within the field's limit. @param {Conversation} c */
function saidIn(c) {
  const said = c.messages.filter((m) => m.direction === 'in' && m.text.trim()).map((m) => m.text.trim());
  let text = '';
  for (const line of said.reverse()) {
    if (text.length + line.length + 1 > 4000) break;
    text = text ? `${line}\n${text}` : line;
  }
  return text;
}

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

/** With `?conversacion=<id>` (the conversation page's Abrir caso), the form starts from that conversation. @param {URLSearchParams} params */
export async function newCaseView(params) {
  state.refresh = null;
  const ref = await reference();
  const conversationId = params.get('conversacion');
  const from = conversationId
    ? /** @type {{ conversation: Conversation }} */ (await api('GET', `/api/staff/conversations/${encodeURIComponent(conversationId)}`))
        .conversation
    : null;
  const phone = from?.citizenPhone ?? (from?.channel === 'whatsapp' ? '+' + from.channelUserId : '');
  const email = from?.citizenEmail ?? (from?.channel === 'email' ? from.channelUserId : '');
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
  const description = h('textarea', { name: 'description', required: true, minlength: 3, maxlength: 4000 });
  // A textarea's text is its value, not an attribute.
  if (from) description.value = saidIn(from);
  const form = h(
    'form',
    {
      class: 'panel',
      onsubmit: async (e) => {
        e.preventDefault();
        const body = bodyOf(new FormData(form));
        if (from) body.conversationId = from.id;
        try {
          /** @type {{ case: { id: number, folio: string } }} */
          const { case: opened } = await api('POST', '/api/staff/cases', body);
          if (!from) form.reset();
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
    from
      ? h(
          'p',
          { class: 'notice warn' },
          tr('new.from_conversation', { who: from.citizenName ?? tr('conv.no_name'), identity: identityOf(from) }),
          ' ',
          h('a', { href: `#/conversaciones/${from.id}` }, tr('new.back_to_conversation')),
        )
      : h('p', { class: 'muted' }, tr('new.help')),
    status,
    h(
      'div',
      { class: 'grid2' },
      // A case from a conversation takes the conversation's channel.
      !from &&
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
    field(tr('new.description'), description),
    h(
      'div',
      { class: 'grid2' },
      field(tr('new.name'), h('input', { name: 'name', autocomplete: 'off', value: from?.citizenName ?? '' })),
      field(tr('new.phone'), h('input', { name: 'phone', type: 'tel', autocomplete: 'off', value: phone })),
      field(tr('new.email'), h('input', { name: 'email', type: 'email', autocomplete: 'off', value: email })),
      // A conversation is itself a way to reach the citizen; only a case opened on someone's behalf needs one said.
      !from && h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'noContact' }), tr('new.no_contact')),
    ),
    !from && registrationFields(ref.registrationFields),
    h('button', { type: 'submit' }, tr('new.submit')),
  );
  shell('new_case', h('h2', {}, tr('new.title')), form);
}
