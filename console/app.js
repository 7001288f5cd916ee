// @ts-check
// Ventanilla staff console: a small single-page app over /api/staff, one module per page, no build step.
// This entry only routes: the hash names the page, and each page draws itself (see lib.js for the shared parts).
import { attentionRegisterView } from './attention-register.js';
import { callbacksView } from './callbacks.js';
import { caseView } from './case.js';
import { categoriesView, departmentsView, usersView } from './admin.js';
import { open311KeysView } from './open311-keys.js';
import { citizenView } from './citizen.js';
import { conversationsView } from './conversations.js';
import { doctorView } from './doctor.js';
import { duplicatesView } from './duplicates.js';
import { examplesView } from './examples.js';
import { importView } from './imports.js';
import { ApiError, api, messageOf, notice, state } from './lib.js';
import { newCaseView } from './new-case.js';
import { loginView } from './shell.js';
import { mapView } from './map.js';
import { statsView } from './dashboard.js';
import { attentionView } from './stats.js';
import { trayView } from './tray.js';

/** @typedef {import('./types').Session} Session */

async function route() {
  const [path = '', query = ''] = location.hash.slice(1).split('?');
  if (!state.user && path !== '/login') {
    try {
      /** @type {Session} */
      const me = await api('GET', '/api/staff/me');
      state.user = me.user;
      state.csrf = me.csrfToken;
    } catch {
      location.hash = '#/login';
      return;
    }
  }
  const [page, id] = (path || '/bandeja').split('/').filter(Boolean);
  try {
    if (page === 'login') return loginView();
    if (page === 'caso' && id) return await caseView(Number(id));
    if (page === 'conversaciones') return await conversationsView(id);
    if (page === 'nuevo') return await newCaseView(new URLSearchParams(query));
    if (page === 'llamadas') return await callbacksView(new URLSearchParams(query));
    if (page === 'importar') return await importView();
    if (page === 'duplicados') return await duplicatesView();
    if (page === 'ciudadano' && id) return await citizenView(Number(id));
    if (page === 'admin' && id === 'personal') return await usersView();
    if (page === 'admin' && id === 'dependencias') return await departmentsView();
    if (page === 'admin' && id === 'categorias') return await categoriesView();
    if (page === 'admin' && id === 'ejemplos') return await examplesView();
    if (page === 'admin' && id === 'open311') return await open311KeysView();
    if (page === 'admin' && id === 'diagnostico') return await doctorView();
    if (page === 'mapa') return await mapView(new URLSearchParams(query));
    if (page === 'registro') return await attentionRegisterView(new URLSearchParams(query));
    if (page === 'atencion') return await attentionView(new URLSearchParams(query));
    if (page === 'estadisticas') return await statsView(new URLSearchParams(query));
    return await trayView(new URLSearchParams(query));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    document.getElementById('main')?.prepend(notice('error', messageOf(error)));
  }
}

window.addEventListener('hashchange', route);
route();
