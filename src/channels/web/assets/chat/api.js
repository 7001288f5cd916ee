// @ts-check
// HTTP to the web chat API: JSON, the conversation's bearer token, timeouts, and errors the queue can act on.
import { API, chat, SEND_TIMEOUT_MS } from './state.js';
import { prop } from './util.js';

/** A refusal of the server (status ≥ 400, its localized message) or a network failure (status 0). */
export class ChatApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {string | null} retryAfter */
  constructor(status, code, message, retryAfter) {
    super(message || '');
    this.status = status;
    this.code = code || '';
    const secs = parseInt(retryAfter ?? '', 10);
    this.retryAfterMs = secs > 0 ? Math.min(secs, 60) * 1000 : 0;
  }
}

/** The messages of an answer (none when it has none). @param {Record<string, unknown>} data @returns {import('./state.js').ServerMessage[]} */
export const messagesOf = (data) => (Array.isArray(data.messages) ? data.messages : []);

/** Anything thrown, as an API error: what is not one is a network failure. @param {unknown} err */
export const asApiError = (err) => (err instanceof ChatApiError ? err : new ChatApiError(0, 'network', '', null));

/**
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {{ json?: unknown, body?: BodyInit, headers?: Record<string, string>, auth?: boolean, timeout?: number }} [opts]
 * @returns {Promise<Record<string, unknown>>} the answer's JSON object ({} when empty); callers check each field they read
 */
export function api(method, path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  /** @type {BodyInit | undefined} */
  let body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    body = opts.body;
  }
  if (opts.headers) Object.assign(headers, opts.headers);
  if (opts.auth && chat.conv) headers.Authorization = 'Bearer ' + chat.conv.token;
  headers.Accept = 'application/json';

  const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = setTimeout(() => {
    if (ctrl) ctrl.abort();
  }, opts.timeout || SEND_TIMEOUT_MS);

  /** @type {RequestInit} */
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) init.body = body;
  if (ctrl) init.signal = ctrl.signal;
  return fetch(path, init)
    .then(
      (res) =>
        res.text().then((txt) => {
          clearTimeout(timer);
          /** @type {unknown} */
          let data = null;
          try {
            data = txt ? JSON.parse(txt) : null;
          } catch (_e) {
            data = null;
          }
          if (res.ok) return data && typeof data === 'object' ? /** @type {Record<string, unknown>} */ (data) : {};
          const info = prop(data, 'error');
          const code = prop(info, 'code');
          const message = prop(info, 'message');
          throw new ChatApiError(
            res.status,
            typeof code === 'string' ? code : '',
            typeof message === 'string' ? message : '',
            res.headers.get('Retry-After'),
          );
        }),
      () => {
        clearTimeout(timer);
        throw new ChatApiError(0, 'network', '', null);
      },
    )
    .catch((err) => {
      clearTimeout(timer);
      throw asApiError(err); // aborted (timeout) or body read failed
    });
}

/** Worth sending again: offline, a timeout, a conflict, too many requests, or a server fault. @param {ChatApiError} err */
export function isRetryable(err) {
  const s = err.status;
  return s === 0 || s === 408 || s === 409 || s === 425 || s === 429 || s >= 500;
}

/** A path under the current conversation. @param {string} suffix */
export function convPath(suffix) {
  return API + '/' + encodeURIComponent(chat.conv?.conversationId ?? '') + suffix;
}
