// @ts-check
// The conversation survives reloads in localStorage, or in memory where storage is blocked.
import { chat, STORAGE_KEY } from './state.js';
import { prop } from './util.js';

/** @returns {import('./state.js').Conv | null} */
export function readStored() {
  let raw = null;
  try {
    raw = window.localStorage.getItem(STORAGE_KEY);
  } catch (_e) {
    raw = chat.memoryStore;
  }
  if (!raw) return null;
  try {
    /** @type {unknown} */
    const v = JSON.parse(raw);
    const conversationId = prop(v, 'conversationId');
    const token = prop(v, 'token');
    if (typeof conversationId === 'string' && typeof token === 'string' && conversationId && token) return { conversationId, token };
  } catch (_e) {
    /* corrupt: ignore */
  }
  return null;
}

/** @param {import('./state.js').Conv} value */
export function writeStored(value) {
  const raw = JSON.stringify(value);
  chat.memoryStore = raw;
  try {
    window.localStorage.setItem(STORAGE_KEY, raw);
  } catch (_e) {
    /* storage blocked (private mode, third-party iframe): keep it in memory */
  }
}

export function forgetStored() {
  chat.memoryStore = null;
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch (_e) {
    /* ignore */
  }
}
