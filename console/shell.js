// @ts-check
// The frame around every page (title, navigation, who is signed in, the live indicator) and the login page.
import { api, field, h, messageOf, notice, state, text, tr } from './lib.js';

/** @typedef {import('./types').Child} Child */
/** @typedef {import('./types').Session} Session */

const root = document.getElementById('app') ?? document.body;

/** @type {EventSource | null} */
let liveSource = null;

/** Server-sent events redraw the page, at most once per 250 ms. @param {HTMLElement} indicator */
function connectLive(indicator) {
  liveSource?.close();
  liveSource = new EventSource('/api/staff/events');
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(() => state.refresh?.(), 250);
  };
  for (const type of ['changed', 'case.changed', 'conversation.changed']) liveSource.addEventListener(type, refresh);
  liveSource.onopen = () => (indicator.textContent = tr('live.on'));
  liveSource.onerror = () => (indicator.textContent = tr('live.off'));
}

/**
 * Draws a page: the header with `current` marked in the navigation, then `content` in <main>.
 * @param {string} current
 * @param {...Child} content
 */
export function shell(current, ...content) {
  const user = state.user;
  if (!user) throw new Error('shell() before login');
  /** @param {string} hash @param {string} key */
  const link = (hash, key) => h('a', { href: hash, 'aria-current': current === key ? 'page' : undefined }, tr(`nav.${key}`));
  const role = user.role;
  const indicator = h('span', { class: 'live', role: 'status' }, tr('live.off'));
  const header = h(
    'header',
    { class: 'top' },
    h('h1', {}, tr('title')),
    h(
      'nav',
      { 'aria-label': tr('nav.main') },
      link('#/bandeja', 'tray'),
      ['admin', 'coordinador', 'operador'].includes(role) && link('#/conversaciones', 'conversations'),
      link('#/llamadas', 'callbacks'),
      link('#/mapa', 'map'),
      link('#/nuevo', 'new_case'),
      ['admin', 'coordinador', 'operador'].includes(role) && link('#/importar', 'import'),
      ['admin', 'coordinador', 'operador'].includes(role) && link('#/duplicados', 'duplicates'),
      ['admin', 'coordinador'].includes(role) && link('#/atencion', 'attention'),
      ['admin', 'coordinador'].includes(role) && link('#/registro', 'register'),
      role !== 'operador' && link('#/estadisticas', 'stats'),
      role === 'admin' && [
        link('#/admin/personal', 'users'),
        link('#/admin/dependencias', 'departments'),
        link('#/admin/categorias', 'categories'),
        link('#/admin/ejemplos', 'examples'),
        link('#/admin/open311', 'open311'),
        link('#/admin/diagnostico', 'doctor'),
      ],
    ),
    h(
      'div',
      { class: 'who' },
      indicator,
      h('span', {}, `${user.name} · ${tr('role.' + role)}`),
      h('button', { type: 'button', onclick: logout }, tr('logout')),
    ),
  );
  root.replaceChildren(header, h('main', { id: 'main' }, content));
  connectLive(indicator);
}

async function logout() {
  await api('POST', '/api/staff/logout').catch(() => {});
  state.user = null;
  liveSource?.close();
  location.hash = '#/login';
}

export function loginView() {
  state.refresh = null;
  liveSource?.close();
  const status = h('div');
  const form = h(
    'form',
    {
      class: 'panel login',
      onsubmit: async (e) => {
        e.preventDefault();
        const data = new FormData(form);
        try {
          /** @type {Session} */
          const res = await api('POST', '/api/staff/login', { email: text(data, 'email'), password: text(data, 'password') });
          state.user = res.user;
          state.csrf = res.csrfToken;
          state.ref = null;
          location.hash = '#/bandeja';
        } catch (error) {
          status.replaceChildren(notice('error', messageOf(error)));
        }
      },
    },
    h('h2', {}, tr('login.title')),
    status,
    field(tr('login.email'), h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true, autofocus: true })),
    field(tr('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, tr('login.submit')),
  );
  root.replaceChildren(h('main', {}, form));
}
