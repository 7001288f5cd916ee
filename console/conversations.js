// @ts-check
// Conversations waiting for a person: the list, and the selected one with take over, hand back, reply and close.
import { api, citizenCasesList, field, fmtDate, h, identityOf, messageOf, notice, state, text, tr, waitingFor } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').ConversationSummary} ConversationSummary */
/** @typedef {import('./types').Conversation} Conversation */

/** @param {string | undefined} selected */
export async function conversationsView(selected) {
  const list = h('div', {}, tr('loading'));
  const detail = h('div');
  shell(
    'conversations',
    h('h2', {}, tr('conv.title')),
    h('div', { class: 'conv-layout' }, h('section', { class: 'panel' }, list), h('section', {}, detail)),
  );
  let builtFor = '';
  /** @param {string} path @param {unknown} [body] */
  const post = async (path, body) => {
    try {
      await api('POST', `/api/staff/conversations/${selected}/${path}`, body);
      await state.refresh?.();
    } catch (error) {
      detail.prepend(notice('error', messageOf(error)));
    }
  };
  const messages = h('div');
  const header = h('div');
  const history = h('section', { class: 'panel' });
  state.refresh = async () => {
    /** @type {{ now: string, conversations: ConversationSummary[] }} */
    const { now, conversations } = await api('GET', '/api/staff/conversations');
    list.replaceChildren(
      conversations.length === 0
        ? h('p', { class: 'muted' }, tr('conv.empty'))
        : h(
            'ul',
            { class: 'conv-list' },
            conversations.map((c) =>
              h(
                'li',
                {},
                h(
                  'a',
                  { href: `#/conversaciones/${c.id}`, 'aria-current': c.id === selected ? 'true' : undefined },
                  c.citizenName ?? identityOf(c),
                ),
                ' ',
                h('span', { class: c.status === 'waiting_agent' ? 'badge new' : 'badge ok' }, tr('conv.' + c.status)),
                c.emergencyAt && ' ',
                c.emergencyAt && h('span', { class: 'badge late' }, tr('emergency')),
                // The name alone is not enough: two Marías, or a name the citizen never gave.
                c.citizenName && h('div', { class: 'who' }, identityOf(c)),
                h(
                  'div',
                  { class: 'muted' },
                  c.waitingSince ? h('span', { class: 'waiting' }, waitingFor(c.waitingSince, now)) : fmtDate(c.updatedAt),
                  c.reason && ` · ${tr('conv.reason.' + c.reason)}`,
                ),
                h('div', {}, c.lastText),
              ),
            ),
          ),
    );
    if (!selected) return;
    /** @type {{ now: string, conversation: Conversation }} */
    const { now: at, conversation: c } = await api('GET', `/api/staff/conversations/${selected}`);
    header.replaceChildren(
      h(
        'h3',
        {},
        c.citizenName ?? tr('conv.no_name'),
        ' ',
        h('span', { class: 'badge' }, tr('conv.' + c.status)),
        ' ',
        c.waitingSince && h('span', { class: 'badge new' }, waitingFor(c.waitingSince, at)),
      ),
      h(
        'p',
        { class: 'who' },
        identityOf(c),
        c.citizenPhone && c.channel !== 'whatsapp' && ` · ${c.citizenPhone}`,
        c.citizenEmail && c.channel !== 'email' && ` · ${c.citizenEmail}`,
        c.reason && ` · ${tr('conv.reason')}: ${tr('conv.reason.' + c.reason)}`,
      ),
    );
    history.replaceChildren(h('h3', {}, tr('conv.cases')), citizenCasesList(c.citizenCases, tr('conv.no_cases')));
    messages.replaceChildren(
      h(
        'ol',
        { class: 'timeline' },
        c.messages.map((m) =>
          h(
            'li',
            { class: `${m.direction} ${m.author}` },
            h('div', { class: 'meta' }, `${tr('author.' + m.author)} · ${fmtDate(m.createdAt)}`),
            h('div', { class: 'text' }, m.text),
          ),
        ),
      ),
    );
    // Buttons and the reply box are rebuilt only when the status changes, so live updates do not erase typing.
    if (builtFor === c.status) return;
    builtFor = c.status;
    const reply = h(
      'form',
      {
        class: 'panel',
        onsubmit: async (e) => {
          e.preventDefault();
          const said = text(new FormData(reply), 'text');
          reply.reset();
          await post('reply', { text: said });
        },
      },
      field(tr('conv.reply'), h('textarea', { name: 'text', required: true })),
      h('button', { type: 'submit' }, tr('conv.send')),
    );
    /** @param {string} path @param {string} label @param {string} [cls] */
    const button = (path, label, cls) => h('button', { type: 'button', class: cls, onclick: () => post(path) }, label);
    detail.replaceChildren(
      h(
        'div',
        {},
        h('div', { class: 'panel' }, header, messages),
        c.status === 'waiting_agent' &&
          h(
            'div',
            { class: 'row' },
            button('take-over', tr('conv.take')),
            openCaseLink(c.id),
            button('close', tr('conv.close'), 'secondary'),
          ),
        c.status === 'agent' && [
          h(
            'div',
            { class: 'row' },
            openCaseLink(c.id),
            button('hand-back', tr('conv.hand_back'), 'secondary'),
            button('close', tr('conv.close'), 'secondary'),
          ),
          reply,
        ],
        history,
      ),
    );
  };
  await state.refresh();
}

/** The Abrir caso form, filled from this conversation. @param {string} id */
const openCaseLink = (id) => h('a', { class: 'button', href: `#/nuevo?conversacion=${encodeURIComponent(id)}` }, tr('conv.open_case'));
