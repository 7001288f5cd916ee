// @ts-check
// Importar: the social-network spreadsheet uploaded, its progress polled, and the per-row report.
import { ApiError, h, messageOf, notice, state, tr } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').ImportStatus} ImportStatus */

/** The upload goes as multipart (the API wrapper speaks JSON), with the same CSRF header. @param {File} file */
async function upload(file) {
  const form = new FormData();
  form.append('file', file);
  const res = await fetch('/api/staff/imports', {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'x-csrf-token': state.csrf },
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return /** @type {{ id: number }} */ (data).id;
}

/** @param {string} title @param {Array<{ row: number, reason: string }>} rows */
const rowTable = (title, rows) =>
  rows.length === 0
    ? ''
    : [
        h('h3', { class: 'spaced' }, title),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'admin' },
            h(
              'thead',
              {},
              h('tr', {}, h('th', { scope: 'col' }, tr('import.col.row')), h('th', { scope: 'col' }, tr('import.col.reason'))),
            ),
            h(
              'tbody',
              {},
              rows.map((r) => h('tr', {}, h('td', { class: 'num' }, String(r.row)), h('td', {}, r.reason))),
            ),
          ),
        ),
      ];

/** @param {ImportStatus} s */
function drawStatus(s) {
  // A <progress> element: its width needs no inline style, which the console's CSP forbids.
  const bar = h('progress', {
    class: 'import-bar',
    max: String(Math.max(1, s.total)),
    value: String(s.processed),
    'aria-label': tr('import.progress'),
  });
  const line =
    s.status === 'running'
      ? notice('warn', tr('import.running', { processed: s.processed, total: s.total }))
      : s.status === 'done'
        ? notice('ok', tr('import.done', { imported: s.imported, duplicates: s.duplicates, failed: s.failed.length, total: s.total }))
        : notice('error', tr('import.failed', { error: s.error ?? '' }));
  return [
    bar,
    line,
    s.status === 'done' && s.failed.length === 0 ? h('p', { class: 'muted' }, tr('import.none_failed')) : '',
    rowTable(tr('import.report'), s.failed),
    rowTable(tr('import.warnings'), s.warnings),
  ];
}

export async function importView() {
  state.refresh = null;
  const status = h('div', { id: 'flash' });
  const progress = h('div', { class: 'import-progress' });
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv,text/csv', required: true }));
  const button = h('button', { type: 'submit' }, tr('import.submit'));

  /** Polls until the import is no longer running; each answer redraws the bar. @param {number} id */
  const follow = async (id) => {
    for (;;) {
      /** @type {ImportStatus} */
      const s = await fetch(`/api/staff/imports/${id}`, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then((r) =>
        r.json(),
      );
      progress.replaceChildren(h('div', {}, drawStatus(s)));
      if (s.status !== 'running' || !progress.isConnected) return;
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
  };

  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: async (/** @type {Event} */ event) => {
        event.preventDefault();
        const file = input.files?.[0];
        if (!file) return;
        button.disabled = true;
        status.replaceChildren(notice('warn', tr('import.uploading')));
        try {
          const id = await upload(file);
          status.replaceChildren();
          location.hash = `#/importar/${id}`;
        } catch (error) {
          status.replaceChildren(notice('error', messageOf(error)));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('p', { class: 'muted' }, tr('import.help')),
    h('label', {}, tr('import.file'), input),
    h('div', { class: 'actions' }, button),
  );
  shell('import', h('h2', {}, tr('import.title')), status, form, progress);
  const id = Number(location.hash.split('/')[2]);
  if (id > 0) await follow(id).catch((error) => status.replaceChildren(notice('error', messageOf(error))));
}
