// @ts-check
/*
 * Ventanilla — citizen web chat client: plain ES modules, no framework, no build step.
 * Everything that comes from the server or the citizen is put on the page with textContent (never innerHTML).
 *
 * /chat.js, a classic script in <head>, has already marked <html> for embed mode; this module runs
 * once the document is parsed and wires the rest. The modules beside it:
 *   state.js (shared state, elements) · util.js (strings, DOM) · api.js (HTTP) · storage.js
 *   conversation.js (boot, restore, start over) · queue.js (sending in order, retries)
 *   render.js (messages) · quick.js (quick replies) · composer.js (the input) · photos.js
 *   socket.js (WebSocket push) · status.js (status bar) · page.js (lifecycle, viewport, embed)
 */
import { wireComposer } from './composer.js';
import { boot, confirmNewConversation, lostConversation } from './conversation.js';
import { wireEmbed, wireLifecycle, wireViewport } from './page.js';
import { enqueue } from './queue.js';
import { updateQuick } from './quick.js';
import { bindUi, hooks } from './state.js';
import { renderStatus } from './status.js';
import { applyStaticStrings, loadStrings } from './util.js';

function start() {
  Object.assign(hooks, { updateQuick, enqueue, confirmNewConversation, lostConversation });
  if (!bindUi()) return;
  loadStrings();
  applyStaticStrings();
  wireComposer();
  wireViewport();
  wireLifecycle();
  if (document.documentElement.classList.contains('embed')) wireEmbed();
  renderStatus();
  boot();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
