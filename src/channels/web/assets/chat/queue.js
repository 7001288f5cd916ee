// @ts-check
// The outgoing queue: one message at a time, in order, retried with the same id until the server answers.
import { api, asApiError, convPath, isRetryable, messagesOf } from './api.js';
import { restoreTyped } from './composer.js';
import { preparePhoto } from './photos.js';
import { restoreFocusAfterQuickReply, updateQuick } from './quick.js';
import { appendCitizen, renderOutbound, scrollToBottom, setTyping } from './render.js';
import { chat, hooks, MAX_AUTO_ATTEMPTS, MIN_TYPING_MS, PHOTO_TIMEOUT_MS, SEND_TIMEOUT_MS } from './state.js';
import { setOffline } from './status.js';
import { delay, el, t, uuid } from './util.js';

/** @typedef {import('./state.js').Outgoing} Outgoing */
/** @typedef {import('./state.js').QueueItem} QueueItem */

/** Shows the message at once (pending) and sends it when those before it are through. @param {Outgoing} outgoing */
export function enqueue(outgoing) {
  /** @type {string | null} */
  let objectUrl = null;
  if (outgoing.kind === 'photo') {
    try {
      objectUrl = URL.createObjectURL(outgoing.file);
    } catch (_e) {
      objectUrl = null;
    }
  }
  /** @type {QueueItem} */
  const item = Object.assign(outgoing, { clientMessageId: uuid(), attempts: 0, objectUrl, el: appendCitizen(outgoing.display, objectUrl) });
  item.el.classList.add('pending');
  chat.citizenCount++;
  chat.queue.push(item);
  setTyping(true);
  updateQuick();
  scrollToBottom();
  pump();
}

/** The typed text a message carried (not a quick reply), to give back to the citizen. @param {QueueItem} item */
export const typedText = (item) => (item.kind === 'json' && item.payload.text && !item.payload.choice ? item.payload.text : '');

export function pump() {
  const item = chat.queue[0];
  if (chat.sending || chat.paused || !chat.conv || chat.booting || !item) return;
  const gen = chat.generation;
  chat.sending = true;
  item.attempts++;
  clearItemError(item);
  item.el.classList.add('pending');
  setTyping(true);
  const started = Date.now();

  deliver(item)
    .then((data) => {
      const wait = MIN_TYPING_MS - (Date.now() - started);
      return wait > 0 ? delay(wait).then(() => data) : data;
    })
    .then(
      (data) => {
        if (gen !== chat.generation) return;
        chat.sending = false;
        setOffline(false);
        chat.queue.shift();
        item.el.classList.remove('pending', 'failed');
        renderOutbound(messagesOf(data));
        afterDelivery();
      },
      (thrown) => {
        if (gen !== chat.generation) return;
        const err = asApiError(thrown);
        chat.sending = false;
        if (err.status === 401 || err.status === 404) {
          hooks.lostConversation();
          return;
        }
        if (err.status === 0) setOffline(true);
        if (isRetryable(err)) {
          chat.paused = true;
          if (item.attempts < MAX_AUTO_ATTEMPTS) {
            // Automatic retry, same clientMessageId: the server deduplicates.
            const wait = err.retryAfterMs || (item.attempts === 1 ? 1000 : 3000);
            clearTimeout(chat.retryTimer);
            chat.retryTimer = setTimeout(() => {
              if (gen !== chat.generation) return;
              chat.paused = false;
              pump();
            }, wait);
            return;
          }
          markFailed(item, err.status ? err.message : '');
          setTyping(false);
          return;
        }
        // Rejected for good (400, 413, 415…): show the server's (localized) explanation.
        chat.queue.shift();
        markRejected(item, err.message || t('chat.error'));
        restoreTyped(typedText(item));
        afterDelivery();
      },
    );
}

function afterDelivery() {
  if (!chat.queue.length) setTyping(false);
  updateQuick();
  if (chat.refocusAfterReply && !chat.queue.length) {
    chat.refocusAfterReply = false;
    restoreFocusAfterQuickReply();
  }
  pump();
}

/** @param {QueueItem} item */
function deliver(item) {
  if (item.kind === 'photo') {
    const prep = item.blob ? Promise.resolve(item.blob) : preparePhoto(item.file);
    return prep.then((blob) => {
      item.blob = blob;
      return api('POST', convPath('/photos'), {
        auth: true,
        body: blob,
        timeout: PHOTO_TIMEOUT_MS,
        headers: {
          'Content-Type': blob.type || 'application/octet-stream',
          'X-Client-Message-Id': item.clientMessageId,
        },
      });
    });
  }
  const payload = { clientMessageId: item.clientMessageId, ...item.payload };
  return api('POST', convPath('/messages'), { auth: true, json: payload, timeout: SEND_TIMEOUT_MS });
}

/** Sends again the message that is waiting (back online, socket ready). */
export function resumeQueue() {
  const first = chat.queue[0];
  if (!chat.paused || !first || chat.sending) return;
  clearTimeout(chat.retryTimer);
  chat.paused = false;
  first.attempts = 0;
  pump();
}

/** @param {QueueItem} item @param {string} serverMessage */
function markFailed(item, serverMessage) {
  clearItemError(item);
  item.el.classList.remove('pending');
  item.el.classList.add('failed');
  if (serverMessage) item.el.appendChild(el('p', 'msg-error', serverMessage));
  const btn = el('button', 'msg-retry', t('chat.error'));
  btn.type = 'button';
  btn.addEventListener('click', () => {
    if (chat.queue[0] !== item) return;
    clearTimeout(chat.retryTimer);
    chat.paused = false;
    item.attempts = 0;
    pump();
  });
  item.el.appendChild(btn);
  scrollToBottom();
}

/** @param {QueueItem} item @param {string} message */
function markRejected(item, message) {
  clearItemError(item);
  item.el.classList.remove('pending');
  item.el.classList.add('rejected');
  item.el.appendChild(el('p', 'msg-error', message));
  scrollToBottom();
}

/** @param {QueueItem} item */
function clearItemError(item) {
  for (const node of item.el.querySelectorAll('.msg-error, .msg-retry')) node.remove();
  item.el.classList.remove('failed');
}
