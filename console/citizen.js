// @ts-check
// One citizen across every channel (issue 20): their channels, contacts, cases and every message, newest first.
import { api, fmtDate, h, tr } from './lib.js';
import { shell } from './shell.js';

/**
 * @typedef {{ at: string; kind: 'message' | 'case'; channel: string; direction?: 'in' | 'out'; author?: string; text?: string;
 *   conversationId?: string; caseId?: number | null; folio?: string; status?: string; category?: string }} Entry
 * @typedef {{ citizen: { id: number; name: string | null; phone: string | null; email: string | null; mergedInto: number | null };
 *   identities: { channel: string; channelUserId: string }[]; contacts: { kind: string; value: string; verified: boolean }[];
 *   cases: { id: number; folio: string; status: string; channel: string; createdAt: string; category: string }[]; entries: Entry[] }} Timeline
 */

/** @param {number} id */
export async function citizenView(id) {
  /** @type {Timeline} */
  const t = await api('GET', `/api/staff/citizens/${id}/timeline`);
  const { citizen } = t;
  shell(
    'conversations',
    h('h2', {}, citizen.name ?? tr('citizen.unnamed')),
    citizen.mergedInto &&
      h(
        'p',
        { class: 'muted' },
        tr('citizen.merged_into'),
        ' ',
        h('a', { href: `#/ciudadano/${citizen.mergedInto}` }, `#${citizen.mergedInto}`),
      ),
    h(
      'section',
      { class: 'panel' },
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, tr('new.phone')),
        h('dd', {}, citizen.phone ?? '—'),
        h('dt', {}, tr('new.email')),
        h('dd', {}, citizen.email ?? '—'),
        h('dt', {}, tr('duplicates.channels')),
        h('dd', {}, t.identities.map((i) => tr(`channel.${i.channel}`)).join(', ') || '—'),
        h('dt', {}, tr('duplicates.verified')),
        h(
          'dd',
          {},
          t.contacts
            .filter((c) => c.verified)
            .map((c) => c.value)
            .join(', ') || '—',
        ),
      ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'citizen-timeline' },
      h('h3', { id: 'citizen-timeline' }, tr('citizen.timeline')),
      t.entries.length === 0
        ? h('p', { class: 'muted' }, tr('citizen.nothing'))
        : h(
            'ol',
            { class: 'citizen-timeline' },
            t.entries.map((e) =>
              h(
                'li',
                { class: e.kind === 'case' ? 'case' : e.direction === 'in' ? 'in' : 'out' },
                h('span', { class: 'badge' }, tr(`channel.${e.channel}`)),
                ' ',
                h('span', { class: 'muted' }, fmtDate(e.at)),
                ' ',
                e.kind === 'case'
                  ? [
                      tr('citizen.case_opened'),
                      ' ',
                      h('a', { href: `#/caso/${e.caseId}` }, e.folio ?? ''),
                      ` · ${e.category ?? ''} · `,
                      h('span', { class: 'badge' }, tr(`status.${e.status}`)),
                    ]
                  : [
                      h('strong', {}, e.direction === 'in' ? tr('citizen.said') : tr(`citizen.author.${e.author}`)),
                      ' ',
                      e.text ?? '',
                      e.conversationId && [' ', h('a', { href: `#/conversaciones/${e.conversationId}` }, tr('citizen.open_conversation'))],
                    ],
              ),
            ),
          ),
    ),
  );
}
