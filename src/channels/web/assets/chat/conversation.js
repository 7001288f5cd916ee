// @ts-check
// The conversation's life: restore the stored one or open a new one, retry with back-off, start over.
import { api, asApiError, ChatApiError, messagesOf } from './api.js';
import { focusInputIfDesktop, restoreTyped } from './composer.js';
import { pump, typedText } from './queue.js';
import { updateQuick } from './quick.js';
import { renderHistory, renderOutbound, setTyping } from './render.js';
import { closeWs, connectWs } from './socket.js';
import { API, chat, HISTORY_TIMEOUT_MS, ui } from './state.js';
import { renderStatus } from './status.js';
import { forgetStored, readStored, writeStored } from './storage.js';
import { t } from './util.js';

/** @typedef {import('./state.js').Conv} Conv */

export function boot() {
  clearTimeout(chat.bootTimer);
  const gen = chat.generation;
  chat.booting = true;
  renderStatus();
  const stored = readStored();
  const step = stored ? restore(stored, gen) : Promise.resolve(false);
  step
    .then((restored) => {
      if (gen !== chat.generation || restored) return;
      return create(gen);
    })
    .then(() => {
      if (gen !== chat.generation) return;
      chat.booting = false;
      chat.bootError = '';
      chat.bootBackoff = 1000;
      chat.offline = false;
      renderStatus();
      connectWs();
      pump();
    })
    .catch((thrown) => {
      if (gen !== chat.generation) return;
      const err = asApiError(thrown);
      chat.bootError = err.status ? err.message || t('chat.error') : '';
      if (!err.status) chat.offline = true;
      renderStatus();
      chat.bootTimer = setTimeout(boot, chat.bootBackoff);
      chat.bootBackoff = Math.min(chat.bootBackoff * 2, 30000);
    });
}

/** Resolves true if the stored conversation was restored, false if it must be replaced. @param {Conv} stored @param {number} gen */
function restore(stored, gen) {
  chat.conv = stored;
  return api('GET', API + '/' + encodeURIComponent(stored.conversationId) + '/messages', {
    auth: true,
    timeout: HISTORY_TIMEOUT_MS,
  }).then(
    (data) => {
      if (gen !== chat.generation) return true;
      renderHistory(messagesOf(data));
      return true;
    },
    (thrown) => {
      if (gen !== chat.generation) return true;
      const err = asApiError(thrown);
      if (err.status === 401 || err.status === 404) {
        forgetStored();
        chat.conv = null;
        return false;
      }
      chat.conv = null;
      throw err;
    },
  );
}

/** @param {number} gen */
function create(gen) {
  return api('POST', API, { json: {}, timeout: HISTORY_TIMEOUT_MS }).then((data) => {
    if (gen !== chat.generation) return;
    if (!data.conversationId || !data.token) throw new ChatApiError(500, '', t('chat.error'), null);
    chat.conv = { conversationId: String(data.conversationId), token: String(data.token) };
    writeStored(chat.conv);
    renderOutbound(messagesOf(data));
  });
}

/** Forgets the current conversation (locally) and starts a fresh one. */
function resetConversation() {
  chat.generation++;
  clearTimeout(chat.bootTimer);
  clearTimeout(chat.retryTimer);
  closeWs();
  forgetStored();
  chat.conv = null;
  chat.seenIds = Object.create(null);
  chat.lastBotPrompt = null;
  chat.citizenCount = 0;
  revokePreviews();
  chat.queue = [];
  chat.sending = false;
  chat.paused = false;
  chat.bootBackoff = 1000;
  chat.refocusAfterReply = false;
  ui.log.textContent = '';
  setTyping(false);
  updateQuick();
  boot();
}

/** Frees the photo previews of the queue. */
export function revokePreviews() {
  chat.queue.forEach((item) => {
    if (item.objectUrl) URL.revokeObjectURL(item.objectUrl);
  });
}

/** The server no longer knows our conversation (401/404): start over, keep what was typed. */
export function lostConversation() {
  const pending = chat.queue.map(typedText).filter(Boolean).join('\n');
  resetConversation();
  restoreTyped(pending);
}

export function confirmNewConversation() {
  const inProgress = chat.citizenCount > 0 && chat.lastBotPrompt;
  if (inProgress) {
    let ok = true;
    try {
      ok = window.confirm(t('chat.confirm_new'));
    } catch (_e) {
      ok = true;
    }
    if (!ok) return;
  }
  resetConversation();
  focusInputIfDesktop();
}
