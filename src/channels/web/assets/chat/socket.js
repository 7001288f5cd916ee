// @ts-check
// The WebSocket pushes what is sent later (staff replies, follow-up notices); it reconnects with back-off.
import { api, asApiError, convPath, messagesOf } from './api.js';
import { resumeQueue } from './queue.js';
import { renderOutbound } from './render.js';
import { chat, hooks, HISTORY_TIMEOUT_MS } from './state.js';
import { setOffline } from './status.js';
import { prop } from './util.js';

/** @typedef {import('./state.js').ServerMessage} ServerMessage */

export function connectWs() {
  const conv = chat.conv;
  if (!conv || chat.ws || typeof WebSocket !== 'function') return;
  clearTimeout(chat.wsTimer);
  const gen = chat.generation;
  const url = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + convPath('/ws');
  /** @type {WebSocket} */
  let sock;
  try {
    sock = new WebSocket(url);
  } catch (_e) {
    scheduleWs(gen);
    return;
  }
  chat.ws = sock;
  sock.onopen = () => {
    if (chat.ws !== sock || !chat.conv) return;
    // Browsers cannot set headers on a WebSocket: the token goes in the first frame.
    sock.send(JSON.stringify({ type: 'auth', token: chat.conv.token }));
  };
  sock.onmessage = (ev) => {
    if (chat.ws !== sock) return;
    /** @type {unknown} */
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch (_e) {
      return;
    }
    const type = prop(msg, 'type');
    const message = prop(msg, 'message');
    if (type === 'ready') {
      chat.wsBackoff = 1000;
      setOffline(false);
      catchUp();
      resumeQueue();
    } else if (type === 'message' && message && typeof message === 'object') {
      renderOutbound([message]); // renderOutbound shows only what has a text
    }
  };
  sock.onerror = () => {
    /* onclose follows */
  };
  sock.onclose = () => {
    if (chat.ws !== sock) return;
    chat.ws = null;
    if (gen !== chat.generation) return;
    // Ask over HTTP whether we are offline or the conversation is gone (a socket closed
    // before "ready" may mean a rejected token); catches up on missed messages too.
    catchUp();
    scheduleWs(gen);
  };
}

/** @param {number} gen */
function scheduleWs(gen) {
  clearTimeout(chat.wsTimer);
  const wait = chat.wsBackoff + Math.floor(Math.random() * 300);
  chat.wsBackoff = Math.min(chat.wsBackoff * 2, 30000);
  chat.wsTimer = setTimeout(() => {
    if (gen === chat.generation) connectWs();
  }, wait);
}

export function reconnectNow() {
  if (!chat.conv || chat.booting) return;
  const ws = chat.ws;
  if (ws && (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN)) return;
  chat.wsBackoff = 1000;
  clearTimeout(chat.wsTimer);
  connectWs();
}

export function closeWs() {
  clearTimeout(chat.wsTimer);
  const sock = chat.ws;
  chat.ws = null;
  if (sock) {
    try {
      sock.close(1000);
    } catch (_e) {
      /* ignore */
    }
  }
}

/** Fetches the history and adds the bot/staff/system messages we have not shown yet. */
export function catchUp() {
  if (!chat.conv || chat.booting) return;
  const gen = chat.generation;
  api('GET', convPath('/messages'), { auth: true, timeout: HISTORY_TIMEOUT_MS }).then(
    (data) => {
      if (gen !== chat.generation) return;
      setOffline(false);
      renderOutbound(messagesOf(data).filter((m) => m && m.direction !== 'in'));
    },
    (thrown) => {
      if (gen !== chat.generation) return;
      const err = asApiError(thrown);
      if (err.status === 401 || err.status === 404) hooks.lostConversation();
      else if (err.status === 0) setOffline(true);
    },
  );
}
