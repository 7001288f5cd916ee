// @ts-check
// The status bar: connecting, offline, or why the conversation could not start.
import { chat, ui } from './state.js';
import { t } from './util.js';

/** @param {boolean} value */
export function setOffline(value) {
  if (chat.offline === value) return;
  chat.offline = value;
  renderStatus();
}

export function renderStatus() {
  let state = '';
  let text = '';
  if (chat.booting && chat.bootError) {
    state = 'error';
    text = chat.bootError;
  } else if (chat.offline) {
    state = 'offline';
    text = t('chat.offline');
  } else if (chat.booting) {
    state = 'connecting';
    text = t('chat.connecting');
  }
  if (state) ui.status.setAttribute('data-state', state);
  else ui.status.removeAttribute('data-state');
  if (ui.statusText.textContent !== text) ui.statusText.textContent = text;
}
