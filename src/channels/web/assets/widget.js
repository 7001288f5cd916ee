// @ts-check
/*
 * Ventanilla — embeddable chat widget.
 *
 *   <script src="https://ventanilla.example/widget.js" async></script>
 *
 * Optional attributes on that script tag:
 *   data-position="left"      bubble on the bottom-left instead of bottom-right
 *   data-color="#0a6"         bubble / chat accent colour (any CSS colour)
 *   data-label="…"            accessible label of the bubble (default: "Abrir chat de atención ciudadana")
 *   data-close-label="…"      accessible label of the close button (default: "Cerrar chat")
 *
 * Every style is set through element.style (with !important) so the host page's CSS cannot
 * disturb it and a strict host CSP (no 'unsafe-inline' styles) does not block it. The only
 * global is window.VentanillaWidget = { open, close, toggle }. Loading it twice is harmless.
 * The chat iframe is created on first open, so merely visiting the host page creates nothing.
 * It stays one classic ES5 script: host pages load it with a single <script> tag, in any browser.
 */
(function () {
  'use strict';

  /** @typedef {{ open: () => void, close: () => void, toggle: () => void }} WidgetApi */
  /** @typedef {{ matches: boolean, addEventListener?(type: 'change', fn: () => void): void, addListener?(fn: () => void): void }} MediaQueryLike */
  var host = /** @type {Window & { VentanillaWidget?: WidgetApi }} */ (window);

  if (host.VentanillaWidget) return; // already loaded

  var PREFIX = 'ventanilla-widget-';
  var Z = '2147483000';
  var current = document.currentScript;
  var script = current instanceof HTMLScriptElement ? current : findScript();
  if (!script || !script.src) return;

  var base;
  try {
    base = new URL(script.src, location.href);
  } catch (_e) {
    return;
  }
  var ORIGIN = base.origin;
  var data = script.dataset || {};
  var lang = (document.documentElement.getAttribute('lang') || 'es').slice(0, 2).toLowerCase();
  var ES = { open: 'Abrir chat de atención ciudadana', close: 'Cerrar chat' };
  /** @type {Record<string, { open: string, close: string }>} */
  var TEXT = {
    es: ES,
    en: { open: 'Open the citizen services chat', close: 'Close chat' }
  };
  var texts = TEXT[lang] || ES;
  var openLabel = data.label || texts.open;
  var closeLabel = data.closeLabel || texts.close;
  var side = data.position === 'left' ? 'left' : 'right';
  var customColor = validColor(data.color);
  var color = customColor || '#0a5c75';
  var chatUrl = ORIGIN + '/chat?embed=1' + (customColor ? '&accent=' + encodeURIComponent(customColor) : '');

  var phoneQuery = mediaQuery('(max-width: 599px)');
  var reducedMotion = mediaQuery('(prefers-reduced-motion: reduce)');

  // The bubble, the panel and its close button are built together (build()); the frame on first open.
  /** @type {HTMLButtonElement | null} */
  var button = null;
  /** @type {HTMLDivElement | null} */
  var panel = null;
  /** @type {HTMLButtonElement | null} */
  var closeButton = null;
  /** @type {HTMLIFrameElement | null} */
  var frame = null;
  var frameLoaded = false;
  var isOpen = false;
  var openWhenReady = false;
  /** @type {{ value: string, priority: string } | null} */
  var savedOverflow = null;

  host.VentanillaWidget = {
    open: open,
    close: close,
    toggle: toggle
  };

  if (document.body) build();
  else document.addEventListener('DOMContentLoaded', build);

  // ---------------------------------------------------------------------

  function build() {
    if (button || document.getElementById(PREFIX + 'button')) return;

    var bubble = (button = document.createElement('button'));
    bubble.type = 'button';
    bubble.id = PREFIX + 'button';
    bubble.className = PREFIX + 'button';
    bubble.setAttribute('aria-label', openLabel);
    bubble.setAttribute('title', openLabel);
    bubble.setAttribute('aria-expanded', 'false');
    bubble.setAttribute('aria-controls', PREFIX + 'panel');
    css(bubble, {
      position: 'fixed',
      bottom: '20px',
      width: '60px',
      height: '60px',
      margin: '0',
      padding: '0',
      border: '0',
      'border-radius': '50%',
      background: color,
      color: '#ffffff',
      display: 'flex',
      'align-items': 'center',
      'justify-content': 'center',
      cursor: 'pointer',
      'box-shadow': '0 4px 16px rgba(0,0,0,0.28)',
      'z-index': Z,
      'box-sizing': 'border-box',
      transition: reducedMotion.matches ? 'none' : 'transform 0.15s ease',
      'touch-action': 'manipulation',
      '-webkit-tap-highlight-color': 'transparent',
      visibility: 'visible'
    });
    css(bubble, { bottom: 'calc(20px + env(safe-area-inset-bottom, 0px))' }, true);
    css(bubble, side === 'left' ? { left: '20px', right: 'auto' } : { right: '20px', left: 'auto' });
    bubble.appendChild(chatIcon());
    focusRing(bubble);
    bubble.addEventListener('click', toggle);
    bubble.addEventListener('mouseenter', function () {
      if (!reducedMotion.matches) css(bubble, { transform: 'scale(1.06)' });
    });
    bubble.addEventListener('mouseleave', function () {
      css(bubble, { transform: 'none' });
    });

    var box = (panel = document.createElement('div'));
    box.id = PREFIX + 'panel';
    box.className = PREFIX + 'panel';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', openLabel);
    css(box, {
      position: 'fixed',
      display: 'none',
      margin: '0',
      padding: '0',
      border: '0',
      overflow: 'hidden',
      'box-sizing': 'border-box',
      'z-index': String(Number(Z) + 1),
      opacity: '0',
      transform: 'none',
      transition: reducedMotion.matches ? 'none' : 'opacity 0.18s ease, transform 0.18s ease'
    });

    var closer = (closeButton = document.createElement('button'));
    closer.type = 'button';
    closer.className = PREFIX + 'close';
    closer.setAttribute('aria-label', closeLabel);
    closer.setAttribute('title', closeLabel);
    css(closer, {
      position: 'absolute',
      top: '6px',
      width: '44px',
      height: '44px',
      margin: '0',
      padding: '0',
      border: '0',
      'border-radius': '50%',
      background: 'rgba(0,0,0,0.24)',
      color: '#ffffff',
      display: 'flex',
      'align-items': 'center',
      'justify-content': 'center',
      cursor: 'pointer',
      'z-index': '2',
      'box-sizing': 'border-box',
      'touch-action': 'manipulation'
    });
    css(closer, { right: '6px', left: 'auto' });
    closer.appendChild(closeIcon(22));
    focusRing(closer);
    closer.addEventListener('click', close);
    box.appendChild(closer);

    document.body.appendChild(box);
    document.body.appendChild(bubble);

    document.addEventListener('keydown', function (e) {
      if (isOpen && (e.key === 'Escape' || e.key === 'Esc')) {
        e.stopPropagation();
        close();
      }
    });
    window.addEventListener('message', function (e) {
      if (!frame || e.origin !== ORIGIN || e.source !== frame.contentWindow) return;
      if (e.data && e.data.type === 'ventanilla:close') close();
    });
    listen(phoneQuery, layout);

    layout();
    if (openWhenReady) open();
  }

  /** @param {HTMLDivElement} box the panel */
  function ensureFrame(box) {
    if (frame) return;
    var chat = (frame = document.createElement('iframe'));
    chat.className = PREFIX + 'frame';
    chat.src = chatUrl;
    chat.title = openLabel;
    chat.setAttribute('allow', 'geolocation');
    chat.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
    css(chat, {
      display: 'block',
      width: '100%',
      height: '100%',
      margin: '0',
      padding: '0',
      border: '0',
      'max-width': 'none',
      'max-height': 'none',
      background: '#eef2f5',
      'color-scheme': 'light'
    });
    chat.addEventListener('load', function () {
      frameLoaded = true;
      focusChat();
    });
    box.appendChild(chat);
  }

  function layout() {
    if (!panel || !button || !closeButton) return;
    var phone = phoneQuery.matches;
    if (phone) {
      css(panel, {
        top: '0',
        left: '0',
        right: '0',
        bottom: '0',
        width: '100%',
        height: '100%',
        'max-width': 'none',
        'max-height': 'none',
        'border-radius': '0',
        'box-shadow': 'none',
        // Notch / home-bar areas: header colour on top, white at the bottom.
        background: 'linear-gradient(' + color + ' 50%, #ffffff 50%)'
      });
      css(
        panel,
        {
          'padding-top': 'env(safe-area-inset-top, 0px)',
          'padding-bottom': 'env(safe-area-inset-bottom, 0px)',
          'padding-left': 'env(safe-area-inset-left, 0px)',
          'padding-right': 'env(safe-area-inset-right, 0px)'
        },
        true
      );
      css(closeButton, { top: 'calc(6px + env(safe-area-inset-top, 0px))' }, true);
      css(closeButton, { right: 'calc(6px + env(safe-area-inset-right, 0px))' }, true);
    } else {
      css(panel, {
        top: 'auto',
        bottom: '92px',
        width: '380px',
        height: '600px',
        'max-width': 'calc(100vw - 40px)',
        'max-height': 'calc(100vh - 112px)',
        'border-radius': '16px',
        'box-shadow': '0 12px 48px rgba(0,0,0,0.28), 0 0 0 1px rgba(0,0,0,0.06)',
        background: '#ffffff',
        padding: '0'
      });
      css(panel, { bottom: 'calc(92px + env(safe-area-inset-bottom, 0px))' }, true);
      css(panel, side === 'left' ? { left: '20px', right: 'auto' } : { right: '20px', left: 'auto' });
      css(closeButton, { top: '6px', right: '6px' });
    }
    // On phones the panel covers everything: hide the bubble (and keep it out of the tab order).
    css(button, { visibility: phone && isOpen ? 'hidden' : 'visible' });
    lockScroll(phone && isOpen);
  }

  function open() {
    if (!panel || !button) {
      openWhenReady = true;
      return;
    }
    if (isOpen) return;
    isOpen = true;
    ensureFrame(panel);
    css(panel, { display: 'block' });
    if (!reducedMotion.matches) {
      css(panel, { opacity: '0', transform: 'translateY(12px)' });
      // Force a style flush so the transition runs.
      void panel.offsetHeight;
    }
    css(panel, { opacity: '1', transform: 'none' });
    button.setAttribute('aria-expanded', 'true');
    button.setAttribute('aria-label', closeLabel);
    button.setAttribute('title', closeLabel);
    swapIcon(button, closeIcon(28));
    layout();
    focusChat();
  }

  function close() {
    if (!panel || !button) {
      openWhenReady = false;
      return;
    }
    if (!isOpen) return;
    var focusWasInside = panel.contains(document.activeElement) || document.activeElement === frame;
    isOpen = false;
    css(panel, { display: 'none', opacity: '0' });
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-label', openLabel);
    button.setAttribute('title', openLabel);
    swapIcon(button, chatIcon());
    layout();
    if (focusWasInside || document.activeElement === document.body) {
      try {
        button.focus({ preventScroll: true });
      } catch (_e) {
        button.focus();
      }
    }
  }

  function toggle() {
    if (isOpen) close();
    else open();
  }

  function focusChat() {
    if (!isOpen || !frame) return;
    try {
      frame.focus();
      if (frameLoaded && frame.contentWindow) frame.contentWindow.postMessage({ type: 'ventanilla:focus' }, ORIGIN);
    } catch (_e) {
      /* ignore */
    }
  }

  /** @param {boolean} lock */
  function lockScroll(lock) {
    var html = document.documentElement;
    if (lock && savedOverflow === null) {
      savedOverflow = {
        value: html.style.getPropertyValue('overflow'),
        priority: html.style.getPropertyPriority('overflow')
      };
      html.style.setProperty('overflow', 'hidden', 'important');
    } else if (!lock && savedOverflow !== null) {
      if (savedOverflow.value) html.style.setProperty('overflow', savedOverflow.value, savedOverflow.priority);
      else html.style.removeProperty('overflow');
      savedOverflow = null;
    }
  }

  // ---------------------------------------------------------------------

  /** Sets styles with !important. With `ifSupported`, a value the browser rejects (e.g. env() on
   * an old browser) leaves the previous one in place.
   * @param {HTMLElement | SVGElement} node
   * @param {Record<string, string>} styles
   * @param {boolean} [ifSupported]
   */
  function css(node, styles, ifSupported) {
    for (var name in styles) {
      var value = styles[name];
      if (!Object.prototype.hasOwnProperty.call(styles, name) || value === undefined) continue;
      if (ifSupported && window.CSS && CSS.supports && !CSS.supports(name, value)) continue;
      node.style.setProperty(name, value, 'important');
    }
  }

  /** A ring that shows on any host background, only for keyboard focus. @param {HTMLButtonElement} node */
  function focusRing(node) {
    node.addEventListener('focus', function () {
      var visible = true;
      try {
        visible = node.matches(':focus-visible');
      } catch (_e) {
        visible = true;
      }
      if (visible) {
        css(node, { outline: '3px solid #ffffff', 'outline-offset': '0', 'box-shadow': '0 0 0 3px #ffffff, 0 0 0 6px #1b1b1b' });
      }
    });
    node.addEventListener('blur', function () {
      css(node, {
        outline: 'none',
        'box-shadow': node === button ? '0 4px 16px rgba(0,0,0,0.28)' : 'none'
      });
    });
    css(node, { outline: 'none' });
  }

  /** @param {number} size */
  function svg(size) {
    var el = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    el.setAttribute('viewBox', '0 0 24 24');
    el.setAttribute('width', String(size));
    el.setAttribute('height', String(size));
    el.setAttribute('aria-hidden', 'true');
    el.setAttribute('focusable', 'false');
    css(el, { display: 'block', 'pointer-events': 'none' });
    return el;
  }

  /** @param {string} d @param {Record<string, string>} attrs */
  function path(d, attrs) {
    var p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    p.setAttribute('d', d);
    for (var k in attrs) {
      var value = attrs[k];
      if (value !== undefined) p.setAttribute(k, value);
    }
    return p;
  }

  function chatIcon() {
    var el = svg(30);
    el.appendChild(path('M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z', { fill: 'currentColor' }));
    el.appendChild(path('M7 9.5h10M7 13h6', { stroke: color, 'stroke-width': '1.8', 'stroke-linecap': 'round', fill: 'none' }));
    return el;
  }

  /** @param {number} size */
  function closeIcon(size) {
    var el = svg(size);
    el.appendChild(
      path('M6 6l12 12M18 6 6 18', { stroke: 'currentColor', 'stroke-width': '2.4', 'stroke-linecap': 'round', fill: 'none' })
    );
    return el;
  }

  /** @param {HTMLElement} node @param {SVGElement} icon */
  function swapIcon(node, icon) {
    while (node.firstChild) node.removeChild(node.firstChild);
    node.appendChild(icon);
  }

  /** A colour the browser accepts, or '' (anything else from the host page is ignored). @param {string | undefined} value */
  function validColor(value) {
    if (!value || typeof value !== 'string') return '';
    value = value.trim();
    if (!/^[#a-zA-Z0-9(),.%\s-]{1,64}$/.test(value)) return '';
    if (window.CSS && CSS.supports && !CSS.supports('color', value)) return '';
    return value;
  }

  /** @param {string} q @returns {MediaQueryLike} */
  function mediaQuery(q) {
    if (window.matchMedia) return window.matchMedia(q);
    return { matches: false, addListener: function () {} };
  }

  /** @param {MediaQueryLike} mq @param {() => void} fn */
  function listen(mq, fn) {
    if (mq.addEventListener) mq.addEventListener('change', fn);
    else if (mq.addListener) mq.addListener(fn);
  }

  function findScript() {
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i--) {
      var candidate = scripts[i];
      if (candidate && /\/widget\.js(?:[?#].*)?$/.test(candidate.getAttribute('src') || '')) return candidate;
    }
    return null;
  }
})();
