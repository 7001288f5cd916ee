// @ts-check
// The forms under a case: what its holder may do next, depending on its status, level and role.
import { api, field, fmtDate, fmtDay, h, isFinal, messageOf, notice, select, state, text, tr, TYPES } from './lib.js';

/** @typedef {import('./types').CasePage} CasePage */
/** @typedef {import('./types').Child} Child */
/** @typedef {import('./types').Reference} Reference */
/** @typedef {(action: Record<string, unknown>) => Promise<void>} Act */

/** The status line above the actions (a detached one if the page was left meanwhile). */
const flash = () => document.getElementById('flash') ?? h('div');

/**
 * A folded form. Results show in one status line above the actions: forms are rebuilt when the case moves on.
 * Its button says what it does (`action.do.<name>`), and so does the line after it (`action.done.<name>`).
 * @template T
 * @param {string} name the action's name in the catalogue (a case action's kind, or `callback`)
 * @param {string} title
 * @param {Child} fields
 * @param {(form: FormData) => T} toAction
 * @param {(action: T) => Promise<void>} onDone
 * @param {boolean} [open]
 */
function actionForm(name, title, fields, toAction, onDone, open = false) {
  const form = h(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        flash().replaceChildren();
        const button = form.querySelector('button[type=submit]');
        if (button instanceof HTMLButtonElement) button.disabled = true;
        try {
          await onDone(toAction(new FormData(form)));
          form.reset();
          flash().replaceChildren(notice('ok', tr('action.done.' + name)));
        } catch (error) {
          flash().replaceChildren(notice('error', messageOf(error)));
        } finally {
          if (button instanceof HTMLButtonElement) button.disabled = false;
        }
      },
    },
    fields,
    h('button', { type: 'submit' }, tr('action.do.' + name)),
  );
  return h('details', { class: 'action', open }, h('summary', {}, title), form);
}

/** @param {string} label @param {string} name @param {boolean} [required] */
const textarea = (label, name, required = true) => field(label, h('textarea', { name, required }));

/** @param {CasePage} c @param {Reference} ref @param {Act} act @returns {Child} */
export function caseActions(c, ref, act) {
  /** @param {import('./types').CaseActionKind} kind */
  const may = (kind) => c.allowed.actions.includes(kind);
  const final = isFinal(c.status);
  const note = actionForm(
    'note',
    tr('action.note_add'),
    textarea(tr('action.text'), 'text'),
    (f) => ({ kind: 'note', text: text(f, 'text') }),
    act,
  );
  const contacted =
    c.pendingContact &&
    actionForm(
      'contacted',
      tr('action.contacted'),
      textarea(tr('action.note'), 'note'),
      (f) => ({ kind: 'contacted', note: text(f, 'note') }),
      act,
      true,
    );
  const callback = c.callbacks?.find((x) => x.status === 'open');
  const callbackPart = callback
    ? notice('warn', `${tr('callback.request')}: ${tr('callback.next.' + callback.nextAction)} · ${fmtDate(callback.nextActionAt)}`)
    : actionForm(
        'callback',
        tr('callback.request'),
        [h('p', { class: 'muted' }, tr('callback.request_help')), textarea(tr('action.reason'), 'reason', false)],
        (f) => text(f, 'reason'),
        async (reason) => {
          await api('POST', `/api/staff/cases/${c.id}/callbacks`, reason ? { reason } : {});
          await state.refresh?.();
        },
      );
  if (final) return [contacted, callbackPart, notice('warn', tr('case.closed')), note];
  if (!c.receivedAt) {
    return [
      notice('warn', tr('case.not_received')),
      may('receive') &&
        h(
          'form',
          {
            class: 'panel',
            onsubmit: async (e) => (
              e.preventDefault(), act({ kind: 'receive' }).catch((err) => flash().replaceChildren(notice('error', messageOf(err))))
            ),
          },
          h('p', { class: 'muted' }, tr('action.receive_help')),
          h('button', { type: 'submit' }, tr('action.receive')),
        ),
      callbackPart,
      note,
    ];
  }
  // Exactly what the server allows this person at the case's level (src/cases/action-rules.ts): nothing is guessed here.
  const moves = c.allowed.levels;
  const dept = c.departmentId;
  const extension = c.deadline?.extension;
  const mayExtend = extension?.available && may('extend');
  return [
    contacted,
    callbackPart,
    mayExtend &&
      actionForm(
        'extend',
        tr('action.extend'),
        [
          h('p', { class: 'muted' }, tr('action.extend_help', { date: fmtDay(extension.wouldMoveTo) })),
          textarea(tr('action.reason'), 'reason'),
        ],
        (f) => ({ kind: 'extend', reason: text(f, 'reason') }),
        act,
      ),
    may('derive_level') &&
      actionForm(
        'derive_level',
        tr('action.derive_level'),
        [
          field(
            tr('action.to'),
            // Down or back up is a choice: with two ways open, neither is preselected.
            select(
              'to',
              [
                ...(moves.length > 1 ? [/** @type {const} */ (['', tr('action.choose_level')])] : []),
                ...moves.map((m) => /** @type {const} */ ([m, tr('level.' + m)])),
              ],
              moves.length > 1 ? '' : moves[0],
              { required: true },
            ),
          ),
          field(
            tr('action.holder'),
            select(
              'userId',
              [
                ['', tr('action.anyone')],
                ...ref.holders
                  .filter((u) => u.departmentId === dept && moves.includes(u.role))
                  .map((u) => /** @type {const} */ ([u.id, `${u.name} (${tr('level.' + u.role)})`])),
              ],
              '',
            ),
          ),
          textarea(tr('action.note'), 'note'),
        ],
        (f) => ({
          kind: 'derive_level',
          to: text(f, 'to'),
          note: text(f, 'note'),
          ...(text(f, 'userId') ? { userId: Number(text(f, 'userId')) } : {}),
        }),
        act,
      ),
    may('reclassify') &&
      actionForm(
        'reclassify',
        tr('action.reclassify'),
        [
          field(
            tr('col.type'),
            select(
              'type',
              TYPES.map((t) => /** @type {const} */ ([t, tr('type.' + t)])),
              c.type,
            ),
          ),
          field(
            tr('col.category'),
            select(
              'category',
              ref.categories.map((x) => /** @type {const} */ ([x.code, x.name])),
              c.category.code,
            ),
          ),
          textarea(tr('action.reason'), 'reason'),
        ],
        (f) => ({ kind: 'reclassify', type: text(f, 'type'), category: text(f, 'category'), reason: text(f, 'reason') }),
        act,
      ),
    may('reply') &&
      actionForm('reply', tr('action.reply'), textarea(tr('action.text'), 'text'), (f) => ({ kind: 'reply', text: text(f, 'text') }), act),
    note,
    may('status') &&
      actionForm(
        'status',
        tr('action.status'),
        [
          field(
            tr('filter.status'),
            select(
              'status',
              ['en_seguimiento', 'escalado'].map((s) => /** @type {const} */ ([s, tr('status.' + s)])),
              'en_seguimiento',
            ),
          ),
          textarea(tr('action.note'), 'note', false),
        ],
        (f) => ({ kind: 'status', status: text(f, 'status'), ...(text(f, 'note') ? { note: text(f, 'note') } : {}) }),
        act,
      ),
    may('derive_department') &&
      actionForm(
        'derive_department',
        tr('action.derive_department'),
        [
          field(
            tr('case.department'),
            select(
              'departmentId',
              ref.departments.filter((d) => d.id !== dept).map((d) => /** @type {const} */ ([d.id, d.name])),
              '',
            ),
          ),
          textarea(tr('action.note'), 'note'),
        ],
        (f) => ({ kind: 'derive_department', departmentId: Number(text(f, 'departmentId')), note: text(f, 'note') }),
        act,
      ),
    may('derive_external') &&
      actionForm(
        'derive_external',
        tr('action.derive_external'),
        [
          field(tr('action.organism'), h('input', { name: 'organism', required: true })),
          field(tr('action.sent_via'), h('input', { name: 'sentVia', required: true })),
          textarea(tr('action.note'), 'note'),
        ],
        (f) => ({ kind: 'derive_external', organism: text(f, 'organism'), sentVia: text(f, 'sentVia'), note: text(f, 'note') }),
        act,
      ),
    may('close') &&
      actionForm(
        'close',
        tr('action.close'),
        textarea(tr('action.answer'), 'answer'),
        (f) => ({ kind: 'close', answer: text(f, 'answer') }),
        act,
      ),
    may('reject') &&
      actionForm(
        'reject',
        tr('action.reject'),
        textarea(tr('action.reason'), 'reason'),
        (f) => ({ kind: 'reject', reason: text(f, 'reason') }),
        act,
      ),
  ];
}
