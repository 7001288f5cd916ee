// @ts-check
// Open311 keys: the apps allowed to file service requests, each with its own key (issue 19).
import { adminTable } from './admin.js';
import { api, fmtDate, field, guarded, h, notice, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {{ id: number; name: string; createdAt: string; revokedAt: string | null; lastUsedAt: string | null }} Open311Key */

export async function open311KeysView() {
  const status = h('div');
  const issued = h('div');
  const table = h('div');
  const create = h(
    'form',
    {
      class: 'panel',
      onsubmit: (e) => {
        e.preventDefault();
        const name = String(new FormData(create).get('name') ?? '').trim();
        guarded(status, async () => {
          /** @type {Open311Key & { api_key: string }} */
          const key = await api('POST', '/api/staff/open311/keys', { name });
          create.reset();
          // Shown this once: the server keeps only its hash.
          issued.replaceChildren(
            notice(
              'ok',
              h(
                'span',
                {},
                tr('open311.issued', { name: key.name }),
                ' ',
                h('input', { readonly: true, value: key.api_key, class: 'key', 'aria-label': tr('open311.key') }),
              ),
            ),
          );
          await state.refresh?.();
        });
      },
    },
    h('h3', {}, tr('open311.new')),
    field(tr('open311.app_name'), h('input', { name: 'name', required: true, maxlength: 120 })),
    h('button', { type: 'submit' }, tr('open311.issue')),
  );
  shell('open311', h('h2', {}, tr('open311.title')), h('p', {}, tr('open311.help')), status, issued, table, create);
  state.refresh = async () => {
    /** @type {{ keys: Open311Key[] }} */
    const { keys } = await api('GET', '/api/staff/open311/keys');
    table.replaceChildren(
      keys.length === 0
        ? h('p', { class: 'muted' }, tr('open311.none'))
        : adminTable(
            ['name', 'created', 'last_used', 'active', 'actions'],
            keys.map((k) =>
              h(
                'tr',
                {},
                h('td', {}, k.name),
                h('td', {}, fmtDate(k.createdAt)),
                h('td', {}, fmtDate(k.lastUsedAt) || '—'),
                h('td', {}, k.revokedAt ? tr('open311.revoked_on', { date: fmtDate(k.revokedAt) }) : tr('admin.active')),
                h(
                  'td',
                  {},
                  !k.revokedAt &&
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        onclick: () =>
                          guarded(
                            status,
                            async () => (await api('POST', `/api/staff/open311/keys/${k.id}/revoke`), await state.refresh?.()),
                          ),
                      },
                      tr('open311.revoke'),
                    ),
                ),
              ),
            ),
          ),
    );
  };
  await state.refresh();
}
