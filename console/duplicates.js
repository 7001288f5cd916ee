// @ts-check
// Possible duplicate citizens (issue 20): records that share a verified phone or email, for a person to merge or keep apart.
import { api, fmtDate, h, notice, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {{ id: number; name: string | null; phone: string | null; email: string | null; channels: string[]; verified: string[]; cases: number; since: string }} Side */
/** @typedef {{ id: number; kind: 'phone' | 'email'; value: string; createdAt: string; citizen: Side; other: Side }} Proposal */

/** @param {Side} side @param {string} label */
function sideCard(side, label) {
  return h(
    'div',
    { class: 'side' },
    h('h4', {}, label),
    h(
      'dl',
      {},
      h('dt', {}, tr('new.name')),
      h('dd', {}, h('a', { href: `#/ciudadano/${side.id}` }, side.name ?? `#${side.id}`)),
      h('dt', {}, tr('new.phone')),
      h('dd', {}, side.phone ?? '—'),
      h('dt', {}, tr('new.email')),
      h('dd', {}, side.email ?? '—'),
      h('dt', {}, tr('duplicates.verified')),
      h('dd', {}, side.verified.join(', ') || '—'),
      h('dt', {}, tr('duplicates.channels')),
      h('dd', {}, side.channels.map((c) => tr(`channel.${c}`)).join(', ') || '—'),
      h('dt', {}, tr('duplicates.cases')),
      h('dd', {}, String(side.cases)),
      h('dt', {}, tr('duplicates.since')),
      h('dd', {}, fmtDate(side.since)),
    ),
  );
}

export async function duplicatesView() {
  const status = h('div', { role: 'status' });
  const list = h('div');
  shell('duplicates', h('h2', {}, tr('duplicates.title')), h('p', {}, tr('duplicates.help')), status, list);
  /** @param {Proposal} p @param {'confirm' | 'reject'} decision */
  const decide = async (p, decision) => {
    try {
      await api('POST', `/api/staff/citizens/merge-proposals/${p.id}/${decision}`);
      status.replaceChildren(notice('ok', tr(decision === 'confirm' ? 'duplicates.merged' : 'duplicates.rejected')));
    } catch (error) {
      status.replaceChildren(notice('error', error instanceof Error ? error.message : String(error)));
    }
    await state.refresh?.();
  };
  state.refresh = async () => {
    /** @type {{ proposals: Proposal[] }} */
    const { proposals } = await api('GET', '/api/staff/citizens/merge-proposals');
    list.replaceChildren(
      ...(proposals.length === 0
        ? [h('p', { class: 'muted' }, tr('duplicates.none'))]
        : proposals.map((p) =>
            h(
              'section',
              { class: 'panel duplicate', 'aria-label': tr(`duplicates.shared_${p.kind}`, { value: p.value }) },
              h('h3', {}, tr(`duplicates.shared_${p.kind}`, { value: p.value })),
              h('div', { class: 'pair' }, sideCard(p.citizen, tr('duplicates.kept')), sideCard(p.other, tr('duplicates.joined'))),
              h(
                'div',
                { class: 'actions' },
                h('button', { type: 'button', onclick: () => decide(p, 'confirm') }, tr('duplicates.confirm')),
                h('button', { type: 'button', class: 'secondary', onclick: () => decide(p, 'reject') }, tr('duplicates.reject')),
              ),
            ),
          )),
    );
  };
  await state.refresh();
}
