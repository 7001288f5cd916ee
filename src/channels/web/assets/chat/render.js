// @ts-check
// The conversation on the page: the citizen's bubbles, the bot's, staff's and system messages, and local notices.
import { chat, hooks, ui } from './state.js';
import { el, icon, lower, setTime, t } from './util.js';

/** @typedef {import('./state.js').ServerMessage} ServerMessage */
/** @typedef {import('./state.js').Prompt} Prompt */

/** Marks a message as shown; false when it already was. @param {ServerMessage} m */
function firstSight(m) {
  if (m.id == null) return true;
  if (chat.seenIds[m.id]) return false;
  chat.seenIds[m.id] = true;
  return true;
}

/** @param {ServerMessage[]} messages */
export function renderHistory(messages) {
  messages.forEach((m) => {
    if (!m || !firstSight(m)) return;
    if (m.direction === 'in') {
      let text = typeof m.text === 'string' ? m.text : '';
      if (!/\S/.test(text)) {
        // Photos and shared locations are stored without text: label them from the question
        // they answered (the only other way to send an empty text is a photo).
        text = chat.lastBotPrompt && chat.lastBotPrompt.kind === 'location' ? t('chat.location_sent') : t('chat.photo_sent');
      }
      appendCitizen(quickReplyLabel(text), null, m.createdAt);
      chat.citizenCount++;
      return;
    }
    appendOutbound(m, typeof m.text === 'string' ? m.text : '');
  });
  hooks.updateQuick();
  scrollToBottom();
}

/** OutboundView[] from HTTP replies, the WebSocket or a history catch-up; deduplicated by id. @param {ServerMessage[]} list */
export function renderOutbound(list) {
  let added = false;
  for (const m of list) {
    if (!m || typeof m.text !== 'string') continue;
    if (!firstSight(m)) continue;
    appendOutbound(m, m.text);
    added = true;
  }
  if (added) {
    hooks.updateQuick();
    scrollToBottom();
  }
}

/** @param {ServerMessage} m @param {string} text */
function appendOutbound(m, text) {
  const author = m.author === 'staff' || m.author === 'system' ? m.author : 'bot';
  const wrap = el('div', 'msg msg-' + author);
  if (author === 'staff') {
    const who = el('p', 'msg-author');
    who.appendChild(icon('person', 16));
    who.appendChild(document.createTextNode(t('chat.staff')));
    wrap.appendChild(who);
  }
  wrap.appendChild(textWithFolios(el('p', 'bubble'), text));
  setTime(wrap, m.createdAt);
  ui.log.appendChild(wrap);
  if (author === 'bot') chat.lastBotPrompt = normalizePrompt(m.prompt);
}

/** @param {string} text @param {string | null} imageUrl @param {string} [createdAt] */
export function appendCitizen(text, imageUrl, createdAt) {
  const wrap = el('div', 'msg msg-in');
  const bubble = el('div', 'bubble');
  if (imageUrl) {
    const img = document.createElement('img');
    img.className = 'msg-photo';
    img.alt = '';
    img.decoding = 'async';
    img.addEventListener('load', scrollToBottom);
    img.addEventListener('error', () => {
      img.remove(); // e.g. HEIC the browser cannot show
    });
    img.src = imageUrl;
    bubble.appendChild(img);
  }
  bubble.appendChild(document.createTextNode(text));
  wrap.appendChild(bubble);
  setTime(wrap, createdAt || new Date().toISOString());
  ui.log.appendChild(wrap);
  return wrap;
}

/** A local notice (not stored on the server), e.g. location denied. @param {string} text */
export function appendNotice(text) {
  const wrap = el('div', 'msg msg-notice');
  wrap.appendChild(el('p', 'bubble', text));
  ui.log.appendChild(wrap);
  scrollToBottom();
}

/** "sí" / "no" / "omitir" were sent by the quick-reply buttons: show them as the buttons did. @param {string} text */
function quickReplyLabel(text) {
  for (const key of ['chat.yes', 'chat.no', 'chat.skip']) {
    if (text === lower(t(key))) return t(key);
  }
  return text;
}

/** Appends text as text nodes, with case folios (AC-2026-000123) in <strong class="folio">. @param {HTMLElement} node @param {string} text */
function textWithFolios(node, text) {
  const re = /\b[A-Z]{2,5}-\d{4}-\d{4,8}\b/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
    node.appendChild(el('strong', 'folio', m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
  return node;
}

/** What the bot asks for next, as far as the quick replies need it. @param {unknown} p @returns {Prompt | null} */
function normalizePrompt(p) {
  if (!p || typeof p !== 'object') return null;
  const { field, kind, options, optional } = /** @type {Record<string, unknown>} */ (p);
  if (typeof kind !== 'string') return null;
  return {
    field: String(field || ''),
    kind,
    options: Array.isArray(options) ? options.filter((o) => o && o.id != null && typeof o.label === 'string') : [],
    optional: optional === true,
  };
}

/** @param {boolean} on */
export function setTyping(on) {
  ui.typing.hidden = !on;
  if (on) scrollToBottom();
}

export function scrollToBottom() {
  const go = () => {
    ui.scroller.scrollTop = ui.scroller.scrollHeight;
  };
  go();
  if (typeof window.requestAnimationFrame === 'function') requestAnimationFrame(go);
}
