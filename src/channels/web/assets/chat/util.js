// @ts-check
// Strings, DOM helpers and small browser facts the chat's modules share.

let locale = 'es';
/** @type {Record<string, string>} */
let strings = {};

/** @param {unknown} obj @param {string} prefix @param {Record<string, string>} out */
function flatten(obj, prefix, out) {
  if (!obj || typeof obj !== 'object') return;
  for (const [k, v] of Object.entries(/** @type {Record<string, unknown>} */ (obj))) {
    if (v && typeof v === 'object') flatten(v, prefix + k + '.', out);
    else if (typeof v === 'string') out[prefix + k] = v;
  }
}

/** Every string comes from the server's i18n catalogue (src/i18n), injected into the page. */
export function loadStrings() {
  let lang = (document.documentElement.getAttribute('lang') || '').toLowerCase();
  if (lang.indexOf('{{') !== -1 || !lang) lang = 'es';
  locale = lang;
  strings = {};
  const node = document.getElementById('i18n');
  if (!node) return;
  try {
    flatten(JSON.parse(node.textContent || '{}'), '', strings);
  } catch (_e) {
    strings = {};
  }
}

/** @param {string} key */
export function t(key) {
  return strings[key] || key;
}

/** @param {string} s */
export function lower(s) {
  try {
    return s.toLocaleLowerCase(locale);
  } catch (_e) {
    return s.toLowerCase();
  }
}

/** A tooltip with the local date and time. @param {HTMLElement} node @param {string | undefined} iso */
export function setTime(node, iso) {
  if (!iso) return;
  try {
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) node.title = d.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
  } catch (_e) {
    /* old browsers without dateStyle: no tooltip */
  }
}

/** @param {string} selector @param {(el: Element) => void} fn */
function eachNode(selector, fn) {
  document.querySelectorAll(selector).forEach(fn);
}

/** @param {Element} el @param {string} name */
const attr = (el, name) => el.getAttribute(name) || '';

/** The server fills the {{…}} placeholders; if a page is served raw, fill what we can. */
export function applyStaticStrings() {
  eachNode('[data-i18n]', (el) => {
    if ((el.textContent || '').indexOf('{{') !== -1) el.textContent = t(attr(el, 'data-i18n'));
  });
  eachNode('[data-i18n-label]', (el) => {
    const label = el.getAttribute('aria-label') || '';
    if (label.indexOf('{{') !== -1) {
      el.setAttribute('aria-label', t(attr(el, 'data-i18n-label')));
      if (el.hasAttribute('title')) el.setAttribute('title', t(attr(el, 'data-i18n-label')));
    }
  });
  eachNode('[data-i18n-placeholder]', (el) => {
    if ((el.getAttribute('placeholder') || '').indexOf('{{') !== -1) {
      el.setAttribute('placeholder', t(attr(el, 'data-i18n-placeholder')));
    }
  });
  eachNode('.header-municipality', (el) => {
    if ((el.textContent || '').indexOf('{{') !== -1) el.textContent = '';
  });
  if (document.title.indexOf('{{') !== -1) document.title = t('chat.title');
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [cls]
 * @param {string | null} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = text;
  return node;
}

const ICONS = {
  person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-4.4 0-8 2.2-8 5v1h16v-1c0-2.8-3.6-5-8-5z',
  pin: 'M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z',
  camera:
    'M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 14.5a5 5 0 1 1 0-10 5 5 0 0 1 0 10zm0-2a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
};

/** @param {keyof typeof ICONS} name @param {number} size */
export function icon(name, size) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('fill', 'currentColor');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.appendChild(path);
  return svg;
}

/** A field of a JSON value, if it is an object. @param {unknown} obj @param {string} key @returns {unknown} */
export const prop = (obj, key) => (obj && typeof obj === 'object' ? /** @type {Record<string, unknown>} */ (obj)[key] : undefined);

/** @param {number} ms @returns {Promise<void>} */
export function delay(ms) {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

/** A mouse (or trackpad): focus may go to the input without popping up a keyboard. */
export function isFinePointer() {
  try {
    return window.matchMedia('(hover: hover) and (pointer: fine)').matches;
  } catch (_e) {
    return true;
  }
}

/** A random v4 UUID, also on insecure origins where crypto.randomUUID is missing. */
export function uuid() {
  const w = /** @type {Window & { msCrypto?: Crypto }} */ (window);
  const c = w.crypto || w.msCrypto;
  if (c && typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch (_e) {
      /* insecure context */
    }
  }
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (byte) => (byte + 0x100).toString(16).slice(1));
  return (
    hex.slice(0, 4).join('') +
    '-' +
    hex.slice(4, 6).join('') +
    '-' +
    hex.slice(6, 8).join('') +
    '-' +
    hex.slice(8, 10).join('') +
    '-' +
    hex.slice(10, 16).join('')
  );
}
