// @ts-check
// The chat's one piece of shared state, its limits, and the page's elements.

/** @typedef {{ conversationId: string, token: string }} Conv */
/** @typedef {{ id: string | number, label: string }} PromptOption */
/** @typedef {{ field: string, kind: string, options: PromptOption[], optional: boolean }} Prompt */
/** @typedef {{ text?: string, choice?: string, location?: { latitude: number, longitude: number } }} Payload */
/**
 * What the citizen sends: typed text, a quick reply or a location (JSON), or a photo.
 * @typedef {{ kind: 'json', payload: Payload, display: string } | { kind: 'photo', file: File, display: string }} Outgoing
 */
/**
 * An outgoing message in the queue: its id (the server deduplicates on it), the attempts so far,
 * its bubble, the preview of a photo and, once prepared, the photo as sent.
 * @typedef {Outgoing & { clientMessageId: string, attempts: number, objectUrl: string | null, el: HTMLElement, blob?: Blob }} QueueItem
 */
/** A message from the server (OutboundView), or a stored one in the history. @typedef {{ id?: string | number | null, direction?: string, author?: string, text?: unknown, createdAt?: string, prompt?: unknown }} ServerMessage */

/**
 * Calls from a module up to one that imports it (drawing a message updates the quick replies, a
 * quick reply enqueues, a lost conversation starts over). main.js sets them once at start, so
 * every import points one way and the modules form no cycle.
 */
export const hooks = {
  /** Redraws the quick replies for the last prompt (quick.js). */
  updateQuick: () => {},
  /** Puts a citizen's message in the send queue (queue.js). @type {(outgoing: Outgoing) => void} */
  enqueue: (outgoing) => void outgoing,
  /** Asks before starting a new conversation (conversation.js). */
  confirmNewConversation: () => {},
  /** The server no longer knows the conversation: forget it and start over (conversation.js). */
  lostConversation: () => {},
};

export const API = '/api/webchat/conversations';
export const STORAGE_KEY = 'ventanilla.chat';
export const MAX_AUTO_ATTEMPTS = 3;
export const SEND_TIMEOUT_MS = 25000;
export const PHOTO_TIMEOUT_MS = 90000;
export const HISTORY_TIMEOUT_MS = 20000;
export const MIN_TYPING_MS = 350;

export const chat = {
  /** @type {Conv | null} */
  conv: null,
  /** Bumped on every reset; async results of an older generation are ignored. */
  generation: 0,
  /** @type {Record<string, boolean>} */
  seenIds: Object.create(null),
  /** @type {Prompt | null} */
  lastBotPrompt: null,
  citizenCount: 0,
  /** Outgoing citizen messages, sent strictly one at a time, in order. @type {QueueItem[]} */
  queue: [],
  sending: false,
  paused: false,
  /** @type {number | undefined} */
  retryTimer: undefined,
  /** @type {number | undefined} */
  bootTimer: undefined,
  bootBackoff: 1000,
  booting: true,
  bootError: '',
  offline: false,
  /** @type {WebSocket | null} */
  ws: null,
  /** @type {number | undefined} */
  wsTimer: undefined,
  wsBackoff: 1000,
  refocusAfterReply: false,
  /** Where the conversation is kept when localStorage is blocked. @type {string | null} */
  memoryStore: null,
};

/**
 * @typedef {{
 *   log: HTMLElement, scroller: HTMLElement, typing: HTMLElement, quick: HTMLElement, form: HTMLFormElement,
 *   textarea: HTMLTextAreaElement, line: HTMLInputElement, send: HTMLButtonElement, file: HTMLInputElement,
 *   status: HTMLElement, statusText: HTMLElement, newConv: HTMLElement | null
 * }} Ui
 */

/** The page's elements; bindUi() fills it before anything else runs. */
export const ui = /** @type {Ui} */ ({});

/**
 * @template {Element} E
 * @param {string} id
 * @param {{ new (): E, prototype: E }} type
 * @returns {E | null}
 */
function byId(id, type) {
  const node = document.getElementById(id);
  return node instanceof type ? node : null;
}

/** Finds the chat's elements; false when the page is not the chat. */
export function bindUi() {
  const found = {
    log: byId('log', HTMLElement),
    scroller: byId('scroller', HTMLElement),
    typing: byId('typing', HTMLElement),
    quick: byId('quick', HTMLElement),
    form: byId('form', HTMLFormElement),
    textarea: byId('input', HTMLTextAreaElement),
    line: byId('input-line', HTMLInputElement),
    send: byId('send', HTMLButtonElement),
    file: byId('file', HTMLInputElement),
    status: byId('status', HTMLElement),
    statusText: byId('status-text', HTMLElement),
  };
  for (const node of Object.values(found)) if (!node) return false;
  Object.assign(ui, found, { newConv: byId('new-conversation', HTMLElement) });
  return true;
}
