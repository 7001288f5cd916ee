// @ts-check
// Conversations waiting for a person: the list, and the selected one with take over, hand back, reply and close.
import { api, field, fmtDate, h, messageOf, notice, state, text, tr } from './lib.js';
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
  state.refresh = async () => {
    /** @type {{ conversations: ConversationSummary[] }} */
    const { conversations } = await api('GET', '/api/staff/conversations');
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
                  c.citizenName ?? tr('author.citizen'),
                ),
                ' ',
                h('span', { class: c.status === 'waiting_agent' ? 'badge new' : 'badge ok' }, tr('conv.' + c.status)),
                c.emergencyAt && ' ',
                c.emergencyAt && h('span', { class: 'badge late' }, tr('emergency')),
                h(
                  'div',
                  { class: 'muted' },
                  `${tr('channel.' + c.channel)} · ${fmtDate(c.updatedAt)}${c.reason ? ` · ${tr('conv.reason')}: ${c.reason}` : ''}`,
                ),
                h('div', {}, c.lastText),
              ),
            ),
          ),
    );
    if (!selected) return;
    /** @type {{ conversation: Conversation }} */
    const { conversation: c } = await api('GET', `/api/staff/conversations/${selected}`);
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
        h(
          'div',
          { class: 'panel' },
          h(
            'h3',
            {},
            `${c.citizenName ?? tr('author.citizen')} · ${tr('channel.' + c.channel)}`,
            ' ',
            h('span', { class: 'badge' }, tr('conv.' + c.status)),
          ),
          messages,
        ),
        c.status === 'waiting_agent' &&
          h('div', { class: 'row' }, button('take-over', tr('conv.take')), button('close', tr('conv.close'), 'secondary')),
        c.status === 'agent' && [
          h(
            'div',
            { class: 'row' },
            button('hand-back', tr('conv.hand_back'), 'secondary'),
            button('close', tr('conv.close'), 'secondary'),
          ),
          reply,
        ],
      ),
    );
  };
  await state.refresh();
}
