/*
 * Ventanilla — citizen web chat client.
 * Plain JavaScript, no framework, no build step. Everything that comes from the server or the
 * citizen is put on the page with textContent (never innerHTML).
 *
 * Loaded synchronously from <head>: it marks <html> for embed mode at once (no flash of the big
 * header inside the widget) and waits for the DOM for everything else.
 */
(function () {
  'use strict';

  var root = document.documentElement;
  var query = parseQuery(location.search);
  var EMBED = query.embed === '1' || query.embed === 'true';
  if (EMBED) root.classList.add('embed');
  applyAccent(query.accent);

  var API = '/api/webchat/conversations';
  var STORAGE_KEY = 'ventanilla.chat';
  var MAX_AUTO_ATTEMPTS = 3;
  var SEND_TIMEOUT_MS = 25000;
  var PHOTO_TIMEOUT_MS = 90000;
  var HISTORY_TIMEOUT_MS = 20000;
  var MIN_TYPING_MS = 350;
  var PHOTO_MAX_SIDE = 1600;
  var PHOTO_QUALITY = 0.8;
  var PHOTO_KEEP_AS_IS_BYTES = 1.5 * 1024 * 1024;
  /* Sent as they are when small enough; anything else is re-encoded to JPEG when the browser can decode it. */
  var PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

  var locale = 'es';
  var strings = {};

  // ---------- state ----------
  var conv = null; // { conversationId, token }
  var generation = 0; // bumped on every reset; async results of an older generation are ignored
  var seenIds = Object.create(null);
  var lastBotPrompt = null;
  var citizenCount = 0;
  var queue = []; // outgoing citizen messages, sent strictly one at a time, in order
  var sending = false;
  var paused = false;
  var retryTimer = null;
  var bootTimer = null;
  var bootBackoff = 1000;
  var booting = true;
  var bootError = '';
  var offline = false;
  var ws = null;
  var wsTimer = null;
  var wsBackoff = 1000;
  var refocusAfterReply = false;
  var memoryStore = null;

  // ---------- DOM ----------
  var $log, $scroller, $typing, $quick, $form, $textarea, $line, $send, $file, $status, $statusText, $newConv;

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }

  function start() {
    $log = byId('log');
    $scroller = byId('scroller');
    $typing = byId('typing');
    $quick = byId('quick');
    $form = byId('form');
    $textarea = byId('input');
    $line = byId('input-line');
    $send = byId('send');
    $file = byId('file');
    $status = byId('status');
    $statusText = byId('status-text');
    $newConv = byId('new-conversation');
    if (!$log || !$form || !$textarea) return;

    loadStrings();
    applyStaticStrings();
    wireComposer();
    wireViewport();
    wireLifecycle();
    if (EMBED) wireEmbed();

    renderStatus();
    boot();
  }

  // =====================================================================
  // Strings
  // =====================================================================

  /* Every string comes from the server's i18n catalogue (src/i18n), injected into the page. */
  function loadStrings() {
    var lang = (root.getAttribute('lang') || '').toLowerCase();
    if (lang.indexOf('{{') !== -1 || !lang) lang = 'es';
    locale = lang;
    strings = {};
    var node = byId('i18n');
    if (!node) return;
    try {
      flatten(JSON.parse(node.textContent || '{}'), '', strings);
    } catch (e) {
      strings = {};
    }
  }

  function flatten(obj, prefix, out) {
    if (!obj || typeof obj !== 'object') return;
    for (var k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
      var v = obj[k];
      if (v && typeof v === 'object') flatten(v, prefix + k + '.', out);
      else out[prefix + k] = v;
    }
  }

  function t(key) {
    return strings[key] || key;
  }

  /* The server fills the {{…}} placeholders; if a page is served raw, fill what we can. */
  function applyStaticStrings() {
    eachNode('[data-i18n]', function (el) {
      if (el.textContent.indexOf('{{') !== -1) el.textContent = t(el.getAttribute('data-i18n'));
    });
    eachNode('[data-i18n-label]', function (el) {
      var label = el.getAttribute('aria-label') || '';
      if (label.indexOf('{{') !== -1) {
        el.setAttribute('aria-label', t(el.getAttribute('data-i18n-label')));
        if (el.hasAttribute('title')) el.setAttribute('title', t(el.getAttribute('data-i18n-label')));
      }
    });
    eachNode('[data-i18n-placeholder]', function (el) {
      if ((el.getAttribute('placeholder') || '').indexOf('{{') !== -1) {
        el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
      }
    });
    eachNode('.header-municipality', function (el) {
      if (el.textContent.indexOf('{{') !== -1) el.textContent = '';
    });
    if (document.title.indexOf('{{') !== -1) document.title = t('chat.title');
  }

  // =====================================================================
  // Conversation lifecycle
  // =====================================================================

  function boot() {
    clearTimeout(bootTimer);
    var gen = generation;
    booting = true;
    renderStatus();
    var stored = readStored();
    var step = stored ? restore(stored, gen) : Promise.resolve(false);
    step
      .then(function (restored) {
        if (gen !== generation || restored) return;
        return create(gen);
      })
      .then(function () {
        if (gen !== generation) return;
        booting = false;
        bootError = '';
        bootBackoff = 1000;
        offline = false;
        renderStatus();
        connectWs();
        pump();
      })
      .catch(function (err) {
        if (gen !== generation) return;
        bootError = err && err.status ? err.message || t('chat.error') : '';
        if (err && !err.status) offline = true;
        renderStatus();
        bootTimer = setTimeout(boot, bootBackoff);
        bootBackoff = Math.min(bootBackoff * 2, 30000);
      });
  }

  /* Resolves true if the stored conversation was restored, false if it must be replaced. */
  function restore(stored, gen) {
    conv = stored;
    return api('GET', API + '/' + encodeURIComponent(stored.conversationId) + '/messages', {
      auth: true,
      timeout: HISTORY_TIMEOUT_MS
    }).then(
      function (data) {
        if (gen !== generation) return true;
        renderHistory((data && data.messages) || []);
        return true;
      },
      function (err) {
        if (gen !== generation) return true;
        if (err.status === 401 || err.status === 404) {
          forgetStored();
          conv = null;
          return false;
        }
        conv = null;
        throw err;
      }
    );
  }

  function create(gen) {
    return api('POST', API, { json: {}, timeout: HISTORY_TIMEOUT_MS }).then(function (data) {
      if (gen !== generation) return;
      if (!data || !data.conversationId || !data.token) {
        var e = new Error('bad response');
        e.status = 500;
        e.message = t('chat.error');
        throw e;
      }
      conv = { conversationId: String(data.conversationId), token: String(data.token) };
      writeStored(conv);
      renderOutbound(data.messages || []);
    });
  }

  /* Forgets the current conversation (locally) and starts a fresh one. */
  function resetConversation() {
    generation++;
    clearTimeout(bootTimer);
    clearTimeout(retryTimer);
    closeWs();
    forgetStored();
    conv = null;
    seenIds = Object.create(null);
    lastBotPrompt = null;
    citizenCount = 0;
    queue.forEach(function (item) {
      if (item.objectUrl) URL.revokeObjectURL(item.objectUrl);
    });
    queue = [];
    sending = false;
    paused = false;
    bootBackoff = 1000;
    refocusAfterReply = false;
    $log.textContent = '';
    setTyping(false);
    updateQuick();
    boot();
  }

  /* The server no longer knows our conversation (401/404): start over, keep what was typed. */
  function lostConversation() {
    var pending = queue
      .filter(function (item) {
        return item.kind === 'json' && item.payload.text && !item.payload.choice;
      })
      .map(function (item) {
        return item.payload.text;
      })
      .join('\n');
    resetConversation();
    var input = activeInput();
    if (pending && !input.value) {
      input.value = pending;
      onInputChanged();
    }
  }

  function confirmNewConversation() {
    var inProgress = citizenCount > 0 && lastBotPrompt;
    if (inProgress) {
      var ok = true;
      try {
        ok = window.confirm(t('chat.confirm_new'));
      } catch (e) {
        ok = true;
      }
      if (!ok) return;
    }
    resetConversation();
    focusInputIfDesktop();
  }

  // =====================================================================
  // HTTP
  // =====================================================================

  function api(method, path, opts) {
    opts = opts || {};
    var headers = {};
    var body;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.body !== undefined) {
      body = opts.body;
    }
    if (opts.headers) for (var h in opts.headers) headers[h] = opts.headers[h];
    if (opts.auth && conv) headers.Authorization = 'Bearer ' + conv.token;
    headers.Accept = 'application/json';

    var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = setTimeout(function () {
      if (ctrl) ctrl.abort();
    }, opts.timeout || SEND_TIMEOUT_MS);

    return fetch(path, {
      method: method,
      headers: headers,
      body: body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ctrl ? ctrl.signal : undefined
    })
      .then(
        function (res) {
          return res.text().then(function (txt) {
            clearTimeout(timer);
            var data = null;
            try {
              data = txt ? JSON.parse(txt) : null;
            } catch (e) {
              data = null;
            }
            if (res.ok) return data || {};
            var info = (data && data.error) || {};
            throw apiError(res.status, info.code, typeof info.message === 'string' ? info.message : '', res.headers.get('Retry-After'));
          });
        },
        function () {
          clearTimeout(timer);
          throw apiError(0, 'network', '', null);
        }
      )
      .catch(function (err) {
        clearTimeout(timer);
        if (err && typeof err.status === 'number') throw err;
        throw apiError(0, 'network', '', null); // aborted (timeout) or body read failed
      });
  }

  function apiError(status, code, message, retryAfter) {
    var e = new Error(message || code || 'error');
    e.status = status;
    e.code = code || '';
    e.message = message || '';
    var secs = parseInt(retryAfter, 10);
    e.retryAfterMs = secs > 0 ? Math.min(secs, 60) * 1000 : 0;
    return e;
  }

  function isRetryable(err) {
    var s = err.status;
    return s === 0 || s === 408 || s === 409 || s === 425 || s === 429 || s >= 500;
  }

  function convPath(suffix) {
    return API + '/' + encodeURIComponent(conv.conversationId) + suffix;
  }

  // =====================================================================
  // Outgoing queue
  // =====================================================================

  /* item: { kind: 'json', payload: {text?, choice?, location?}, display } | { kind: 'photo', file, display } */
  function enqueue(item) {
    item.clientMessageId = uuid();
    item.attempts = 0;
    if (item.kind === 'photo') {
      try {
        item.objectUrl = URL.createObjectURL(item.file);
      } catch (e) {
        item.objectUrl = null;
      }
    }
    item.el = appendCitizen(item.display, item.objectUrl);
    item.el.classList.add('pending');
    citizenCount++;
    queue.push(item);
    setTyping(true);
    updateQuick();
    scrollToBottom();
    pump();
  }

  function pump() {
    if (sending || paused || !conv || booting || !queue.length) return;
    var gen = generation;
    var item = queue[0];
    sending = true;
    item.attempts++;
    clearItemError(item);
    item.el.classList.add('pending');
    setTyping(true);
    var started = Date.now();

    deliver(item)
      .then(function (data) {
        var wait = MIN_TYPING_MS - (Date.now() - started);
        return wait > 0 ? delay(wait).then(function () { return data; }) : data;
      })
      .then(
        function (data) {
          if (gen !== generation) return;
          sending = false;
          setOffline(false);
          queue.shift();
          item.el.classList.remove('pending', 'failed');
          renderOutbound((data && data.messages) || []);
          afterDelivery();
        },
        function (err) {
          if (gen !== generation) return;
          sending = false;
          if (err.status === 401 || err.status === 404) {
            lostConversation();
            return;
          }
          if (err.status === 0) setOffline(true);
          if (isRetryable(err)) {
            paused = true;
            if (item.attempts < MAX_AUTO_ATTEMPTS) {
              // Automatic retry, same clientMessageId: the server deduplicates.
              var wait = err.retryAfterMs || (item.attempts === 1 ? 1000 : 3000);
              clearTimeout(retryTimer);
              retryTimer = setTimeout(function () {
                if (gen !== generation) return;
                paused = false;
                pump();
              }, wait);
              return;
            }
            markFailed(item, err.status ? err.message : '');
            setTyping(false);
            return;
          }
          // Rejected for good (400, 413, 415…): show the server's (localized) explanation.
          queue.shift();
          markRejected(item, err.message || t('chat.error'));
          if (item.kind === 'json' && item.payload.text && !item.payload.choice) {
            var input = activeInput();
            if (!input.value) {
              input.value = item.payload.text;
              onInputChanged();
            }
          }
          afterDelivery();
        }
      );
  }

  function afterDelivery() {
    if (!queue.length) setTyping(false);
    updateQuick();
    if (refocusAfterReply && !queue.length) {
      refocusAfterReply = false;
      restoreFocusAfterQuickReply();
    }
    pump();
  }

  function deliver(item) {
    if (item.kind === 'photo') {
      var prep = item.blob ? Promise.resolve(item.blob) : preparePhoto(item.file);
      return prep.then(function (blob) {
        item.blob = blob;
        return api('POST', convPath('/photos'), {
          auth: true,
          body: blob,
          timeout: PHOTO_TIMEOUT_MS,
          headers: {
            'Content-Type': blob.type || 'application/octet-stream',
            'X-Client-Message-Id': item.clientMessageId
          }
        });
      });
    }
    var payload = { clientMessageId: item.clientMessageId };
    for (var k in item.payload) payload[k] = item.payload[k];
    return api('POST', convPath('/messages'), { auth: true, json: payload, timeout: SEND_TIMEOUT_MS });
  }

  function resumeQueue() {
    if (!paused || !queue.length || sending) return;
    clearTimeout(retryTimer);
    paused = false;
    queue[0].attempts = 0;
    pump();
  }

  function markFailed(item, serverMessage) {
    clearItemError(item);
    item.el.classList.remove('pending');
    item.el.classList.add('failed');
    if (serverMessage) item.el.appendChild(el('p', 'msg-error', serverMessage));
    var btn = el('button', 'msg-retry', t('chat.error'));
    btn.type = 'button';
    btn.addEventListener('click', function () {
      if (queue[0] !== item) return;
      clearTimeout(retryTimer);
      paused = false;
      item.attempts = 0;
      pump();
    });
    item.el.appendChild(btn);
    scrollToBottom();
  }

  function markRejected(item, message) {
    clearItemError(item);
    item.el.classList.remove('pending');
    item.el.classList.add('rejected');
    item.el.appendChild(el('p', 'msg-error', message));
    scrollToBottom();
  }

  function clearItemError(item) {
    var nodes = item.el.querySelectorAll('.msg-error, .msg-retry');
    for (var i = 0; i < nodes.length; i++) nodes[i].parentNode.removeChild(nodes[i]);
    item.el.classList.remove('failed');
  }

  // =====================================================================
  // Rendering
  // =====================================================================

  function renderHistory(messages) {
    messages.forEach(function (m) {
      if (!m) return;
      if (m.id != null) {
        if (seenIds[m.id]) return;
        seenIds[m.id] = true;
      }
      if (m.direction === 'in') {
        var text = typeof m.text === 'string' ? m.text : '';
        if (!/\S/.test(text)) {
          // Photos and shared locations are stored without text: label them from the question
          // they answered (the only other way to send an empty text is a photo).
          text = lastBotPrompt && lastBotPrompt.kind === 'location' ? t('chat.location_sent') : t('chat.photo_sent');
        }
        appendCitizen(quickReplyLabel(text), null, m.createdAt);
        citizenCount++;
        return;
      }
      appendOutbound(m);
    });
    updateQuick();
    scrollToBottom();
  }

  /* OutboundView[] from HTTP replies, the WebSocket or a history catch-up; deduplicated by id. */
  function renderOutbound(list) {
    var added = false;
    for (var i = 0; i < list.length; i++) {
      var m = list[i];
      if (!m || typeof m.text !== 'string') continue;
      if (m.id != null) {
        if (seenIds[m.id]) continue;
        seenIds[m.id] = true;
      }
      appendOutbound(m);
      added = true;
    }
    if (added) {
      updateQuick();
      scrollToBottom();
    }
  }

  function appendOutbound(m) {
    var author = m.author === 'staff' || m.author === 'system' ? m.author : 'bot';
    var wrap = el('div', 'msg msg-' + author);
    if (author === 'staff') {
      var who = el('p', 'msg-author');
      who.appendChild(icon('person', 16));
      who.appendChild(document.createTextNode(t('chat.staff')));
      wrap.appendChild(who);
    }
    wrap.appendChild(textWithFolios(el('p', 'bubble'), m.text));
    setTime(wrap, m.createdAt);
    $log.appendChild(wrap);
    if (author === 'bot') lastBotPrompt = normalizePrompt(m.prompt);
  }

  function appendCitizen(text, imageUrl, createdAt) {
    var wrap = el('div', 'msg msg-in');
    var bubble = el('div', 'bubble');
    if (imageUrl) {
      var img = document.createElement('img');
      img.className = 'msg-photo';
      img.alt = '';
      img.decoding = 'async';
      img.addEventListener('load', scrollToBottom);
      img.addEventListener('error', function () {
        if (img.parentNode) img.parentNode.removeChild(img); // e.g. HEIC the browser cannot show
      });
      img.src = imageUrl;
      bubble.appendChild(img);
    }
    bubble.appendChild(document.createTextNode(text));
    wrap.appendChild(bubble);
    setTime(wrap, createdAt || new Date().toISOString());
    $log.appendChild(wrap);
    return wrap;
  }

  /* A local notice (not stored on the server), e.g. location denied. */
  function appendNotice(text) {
    var wrap = el('div', 'msg msg-notice');
    wrap.appendChild(el('p', 'bubble', text));
    $log.appendChild(wrap);
    scrollToBottom();
  }

  /* "sí" / "no" / "omitir" were sent by the quick-reply buttons: show them as the buttons did. */
  function quickReplyLabel(text) {
    var keys = ['chat.yes', 'chat.no', 'chat.skip'];
    for (var i = 0; i < keys.length; i++) {
      if (text === lower(t(keys[i]))) return t(keys[i]);
    }
    return text;
  }

  /* Appends text as text nodes, with case folios (AC-2026-000123) in <strong class="folio">. */
  function textWithFolios(node, text) {
    var re = /\b[A-Z]{2,5}-\d{4}-\d{4,8}\b/g;
    var last = 0;
    var m;
    while ((m = re.exec(text))) {
      if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
      node.appendChild(el('strong', 'folio', m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  function setTime(node, iso) {
    if (!iso) return;
    try {
      var d = new Date(iso);
      if (!isNaN(d.getTime())) node.title = d.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
    } catch (e) {
      /* old browsers without dateStyle: no tooltip */
    }
  }

  function normalizePrompt(p) {
    if (!p || typeof p !== 'object' || typeof p.kind !== 'string') return null;
    return {
      field: String(p.field || ''),
      kind: p.kind,
      options: Array.isArray(p.options)
        ? p.options.filter(function (o) {
            return o && o.id != null && typeof o.label === 'string';
          })
        : [],
      optional: p.optional === true
    };
  }

  function setTyping(on) {
    $typing.hidden = !on;
    if (on) scrollToBottom();
  }

  function scrollToBottom() {
    var go = function () {
      $scroller.scrollTop = $scroller.scrollHeight;
    };
    go();
    if (window.requestAnimationFrame) requestAnimationFrame(go);
  }

  // =====================================================================
  // Quick replies (driven by the last bot message's prompt)
  // =====================================================================

  function updateQuick() {
    var hadFocus = $quick.contains(document.activeElement);
    $quick.textContent = '';
    $quick.className = 'quick';
    var busy = sending || queue.length > 0;
    var p = busy ? null : lastBotPrompt;
    setInputKind(lastBotPrompt ? lastBotPrompt.kind : 'text');
    if (!p) {
      $quick.hidden = true;
      if (hadFocus) refocusAfterReply = true;
      return;
    }
    var count = 0;
    var add = function (label, cls, onClick, iconName) {
      var b = el('button', 'chip' + (cls ? ' ' + cls : ''));
      b.type = 'button';
      if (iconName) b.appendChild(icon(iconName, 20));
      b.appendChild(document.createTextNode(label));
      b.addEventListener('click', function () {
        onClick(b);
      });
      $quick.appendChild(b);
      count++;
      return b;
    };

    if (p.kind === 'yes_no') {
      $quick.classList.add('quick-yes-no');
      var yn = p.options.length
        ? p.options
        : [
            { id: 'yes', label: t('chat.yes') },
            { id: 'no', label: t('chat.no') }
          ];
      yn.forEach(function (o) {
        var spoken = o.id === 'yes' ? lower(t('chat.yes')) : o.id === 'no' ? lower(t('chat.no')) : o.label;
        add(o.label, '', function () {
          sendChoice(String(o.id), spoken, o.label);
        });
      });
    } else {
      p.options.forEach(function (o) {
        add(o.label, '', function () {
          sendChoice(String(o.id), o.label, o.label);
        });
      });
    }

    if (p.kind === 'location' && navigator.geolocation) {
      add(t('chat.share_location'), 'chip-primary', shareLocation, 'pin');
    }
    if (p.kind === 'photo') {
      add(t('chat.attach_photo'), 'chip-primary', function () {
        refocusAfterReply = true;
        $file.click();
      }, 'camera');
    }
    if (p.optional) {
      add(t('chat.skip'), 'chip-secondary', function () {
        sendChoice('skip', lower(t('chat.skip')), t('chat.skip'));
      });
    }
    $quick.hidden = count === 0;
    if (count && $quick.scrollTop) $quick.scrollTop = 0;
    if (hadFocus && count) focusQuick();
  }

  function sendChoice(id, text, display) {
    refocusAfterReply = true;
    enqueue({ kind: 'json', payload: { choice: id, text: text }, display: display });
  }

  function shareLocation(btn) {
    if (!navigator.geolocation) {
      appendNotice(t('chat.location_denied'));
      return;
    }
    var gen = generation;
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    var done = false;
    var fail = function () {
      if (done || gen !== generation) return;
      done = true;
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
      appendNotice(t('chat.location_denied'));
      focusInputIfDesktop();
    };
    // Some browsers never call back when the permission prompt is dismissed: give up after a while.
    var guard = setTimeout(fail, 30000);
    try {
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          clearTimeout(guard);
          if (done || gen !== generation) return;
          done = true;
          refocusAfterReply = true;
          enqueue({
            kind: 'json',
            payload: { location: { latitude: pos.coords.latitude, longitude: pos.coords.longitude } },
            display: t('chat.location_sent')
          });
        },
        function () {
          clearTimeout(guard);
          fail();
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    } catch (e) {
      clearTimeout(guard);
      fail();
    }
  }

  function focusQuick() {
    var first = $quick.querySelector('button');
    if (isFinePointer()) {
      activeInput().focus();
    } else if (first) {
      first.focus();
    } else {
      $quick.focus();
    }
  }

  /* After a quick reply: keep keyboard users in the input; on touch screens avoid popping the
   * keyboard over the answer, but don't leave focus on <body> either. */
  function restoreFocusAfterQuickReply() {
    if (isFinePointer()) {
      activeInput().focus();
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    if (!$quick.hidden) $quick.focus();
  }

  // =====================================================================
  // Composer
  // =====================================================================

  function wireComposer() {
    $form.addEventListener('submit', function (e) {
      e.preventDefault();
      submitTyped();
    });
    [$textarea, $line].forEach(function (input) {
      input.addEventListener('input', onInputChanged);
      input.addEventListener('keydown', function (e) {
        if (e.key !== 'Enter' || e.isComposing || e.keyCode === 229) return;
        if (e.shiftKey && input === $textarea) return; // Shift+Enter: new line
        e.preventDefault();
        submitTyped();
      });
    });
    // Keep the focus (and the phone keyboard) in the input when the send button is tapped.
    $send.addEventListener('mousedown', function (e) {
      e.preventDefault();
    });
    $send.addEventListener('touchstart', function () {}, { passive: true });

    $file.addEventListener('change', function () {
      var file = $file.files && $file.files[0];
      $file.value = '';
      if (!file) return;
      enqueue({ kind: 'photo', file: file, display: t('chat.photo_sent') });
    });

    if ($newConv) $newConv.addEventListener('click', confirmNewConversation);
    onInputChanged();
  }

  function submitTyped() {
    var input = activeInput();
    var text = input.value.replace(/^\s+|\s+$/g, '');
    if (!text) return;
    input.value = '';
    onInputChanged();
    enqueue({ kind: 'json', payload: { text: text }, display: text });
    input.focus();
  }

  function activeInput() {
    return $line.hidden ? $textarea : $line;
  }

  function onInputChanged() {
    var input = activeInput();
    $send.disabled = !/\S/.test(input.value);
    if (input === $textarea) autosize();
  }

  function autosize() {
    $textarea.style.height = 'auto';
    var h = Math.min($textarea.scrollHeight + 3, 148);
    $textarea.style.height = h + 'px';
  }

  /* phone → <input type=tel>, email → <input type=email>, anything else → the multi-line textarea. */
  function setInputKind(kind) {
    var wantLine = kind === 'phone' || kind === 'email';
    var current = activeInput();
    if (wantLine) {
      var type = kind === 'phone' ? 'tel' : 'email';
      $line.type = type;
      $line.setAttribute('inputmode', type);
      $line.setAttribute('autocomplete', type === 'tel' ? 'tel' : 'email');
      $line.setAttribute('autocapitalize', 'off');
    }
    var next = wantLine ? $line : $textarea;
    if (next === current) return;
    var hadFocus = document.activeElement === current;
    next.value = current.value.replace(/\n+/g, ' ');
    current.value = '';
    current.hidden = true;
    next.hidden = false;
    onInputChanged();
    if (hadFocus) next.focus();
  }

  function focusInputIfDesktop() {
    if (isFinePointer()) activeInput().focus();
  }

  // =====================================================================
  // Photos
  // =====================================================================

  /* Downscales big photos to ≤ 1600 px JPEG (quality 0.8); small supported images go as they are;
   * anything the browser cannot decode is sent untouched and the server decides. */
  function preparePhoto(file) {
    var supported = PHOTO_TYPES.indexOf(file.type) !== -1;
    return loadImage(file).then(
      function (img) {
        var w = img.naturalWidth || img.width;
        var h = img.naturalHeight || img.height;
        if (!w || !h) return file;
        var scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(w, h));
        if (supported && scale === 1 && file.size <= PHOTO_KEEP_AS_IS_BYTES) return file;
        var canvas = document.createElement('canvas');
        canvas.width = Math.max(1, Math.round(w * scale));
        canvas.height = Math.max(1, Math.round(h * scale));
        var ctx = canvas.getContext('2d');
        if (!ctx) return file;
        ctx.fillStyle = '#ffffff'; // transparent PNGs would turn black in JPEG
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) {
          try {
            canvas.toBlob(
              function (blob) {
                if (!blob) return resolve(file);
                if (supported && scale === 1 && blob.size >= file.size) return resolve(file);
                resolve(blob);
              },
              'image/jpeg',
              PHOTO_QUALITY
            );
          } catch (e) {
            resolve(file);
          }
        });
      },
      function () {
        return file;
      }
    );
  }

  function loadImage(file) {
    return new Promise(function (resolve, reject) {
      var url;
      try {
        url = URL.createObjectURL(file);
      } catch (e) {
        reject(e);
        return;
      }
      var img = new Image();
      img.onload = function () {
        URL.revokeObjectURL(url);
        resolve(img);
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new Error('decode'));
      };
      img.src = url;
    });
  }

  // =====================================================================
  // WebSocket (push: staff replies, follow-up notices) with back-off
  // =====================================================================

  function connectWs() {
    if (!conv || ws || typeof WebSocket !== 'function') return;
    clearTimeout(wsTimer);
    var gen = generation;
    var url = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + convPath('/ws');
    var sock;
    try {
      sock = new WebSocket(url);
    } catch (e) {
      scheduleWs(gen);
      return;
    }
    ws = sock;
    sock.onopen = function () {
      if (ws !== sock || !conv) return;
      sock.send(JSON.stringify({ type: 'auth', token: conv.token }));
    };
    sock.onmessage = function (ev) {
      if (ws !== sock) return;
      var msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (!msg || typeof msg !== 'object') return;
      if (msg.type === 'ready') {
        wsBackoff = 1000;
        setOffline(false);
        catchUp();
        resumeQueue();
      } else if (msg.type === 'message' && msg.message) {
        renderOutbound([msg.message]);
      }
    };
    sock.onerror = function () {
      /* onclose follows */
    };
    sock.onclose = function () {
      if (ws !== sock) return;
      ws = null;
      if (gen !== generation) return;
      // Ask over HTTP whether we are offline or the conversation is gone (a socket closed
      // before "ready" may mean a rejected token); catches up on missed messages too.
      catchUp();
      scheduleWs(gen);
    };
  }

  function scheduleWs(gen) {
    clearTimeout(wsTimer);
    var wait = wsBackoff + Math.floor(Math.random() * 300);
    wsBackoff = Math.min(wsBackoff * 2, 30000);
    wsTimer = setTimeout(function () {
      if (gen === generation) connectWs();
    }, wait);
  }

  function reconnectNow() {
    if (!conv || booting) return;
    if (ws && (ws.readyState === 0 || ws.readyState === 1)) return;
    wsBackoff = 1000;
    clearTimeout(wsTimer);
    connectWs();
  }

  function closeWs() {
    clearTimeout(wsTimer);
    var sock = ws;
    ws = null;
    if (sock) {
      try {
        sock.close(1000);
      } catch (e) {
        /* ignore */
      }
    }
  }

  /* Fetches the history and adds the bot/staff/system messages we have not shown yet. */
  function catchUp() {
    if (!conv || booting) return;
    var gen = generation;
    api('GET', convPath('/messages'), { auth: true, timeout: HISTORY_TIMEOUT_MS }).then(
      function (data) {
        if (gen !== generation) return;
        setOffline(false);
        var outs = ((data && data.messages) || []).filter(function (m) {
          return m && m.direction !== 'in';
        });
        renderOutbound(outs);
      },
      function (err) {
        if (gen !== generation) return;
        if (err.status === 401 || err.status === 404) lostConversation();
        else if (err.status === 0) setOffline(true);
      }
    );
  }

  // =====================================================================
  // Status bar
  // =====================================================================

  function setOffline(value) {
    if (offline === value) return;
    offline = value;
    renderStatus();
  }

  function renderStatus() {
    var state = '';
    var text = '';
    if (booting && bootError) {
      state = 'error';
      text = bootError;
    } else if (offline) {
      state = 'offline';
      text = t('chat.offline');
    } else if (booting) {
      state = 'connecting';
      text = t('chat.connecting');
    }
    if (state) $status.setAttribute('data-state', state);
    else $status.removeAttribute('data-state');
    if ($statusText.textContent !== text) $statusText.textContent = text;
  }

  // =====================================================================
  // Page lifecycle, viewport, embed
  // =====================================================================

  function wireLifecycle() {
    window.addEventListener('online', function () {
      if (booting) {
        clearTimeout(bootTimer);
        bootBackoff = 1000;
        boot();
        return;
      }
      reconnectNow();
      resumeQueue();
    });
    window.addEventListener('offline', function () {
      setOffline(true);
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState !== 'visible' || booting) return;
      reconnectNow();
      catchUp(); // mobile browsers freeze background tabs; pick up what we missed
    });
    window.addEventListener('pagehide', function () {
      queue.forEach(function (item) {
        if (item.objectUrl) URL.revokeObjectURL(item.objectUrl);
      });
    });
  }

  /* iOS does not shrink the layout viewport when the keyboard opens: follow visualViewport. */
  function wireViewport() {
    var vv = window.visualViewport;
    if (!vv) return;
    var fit = function () {
      var keyboardLikely = vv.height < window.innerHeight - 1 && Math.abs(vv.scale - 1) < 0.01;
      if (keyboardLikely) {
        root.style.setProperty('--app-height', Math.round(vv.height) + 'px');
        root.classList.add('vv');
        if (window.scrollY) window.scrollTo(0, 0);
      } else {
        root.classList.remove('vv');
      }
      scrollToBottom();
    };
    vv.addEventListener('resize', fit);
  }

  function wireEmbed() {
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' || e.key === 'Esc') {
        try {
          window.parent.postMessage({ type: 'ventanilla:close' }, '*');
        } catch (err) {
          /* not framed */
        }
      }
    });
    window.addEventListener('message', function (e) {
      if (e.source !== window.parent || !e.data || e.data.type !== 'ventanilla:focus') return;
      focusInputIfDesktop();
    });
  }

  // =====================================================================
  // Helpers
  // =====================================================================

  function readStored() {
    var raw = null;
    try {
      raw = window.localStorage.getItem(STORAGE_KEY);
    } catch (e) {
      raw = memoryStore;
    }
    if (!raw) return null;
    try {
      var v = JSON.parse(raw);
      if (v && typeof v.conversationId === 'string' && typeof v.token === 'string' && v.conversationId && v.token) {
        return { conversationId: v.conversationId, token: v.token };
      }
    } catch (e) {
      /* corrupt: ignore */
    }
    return null;
  }

  function writeStored(value) {
    var raw = JSON.stringify(value);
    memoryStore = raw;
    try {
      window.localStorage.setItem(STORAGE_KEY, raw);
    } catch (e) {
      /* storage blocked (private mode, third-party iframe): keep it in memory */
    }
  }

  function forgetStored() {
    memoryStore = null;
    try {
      window.localStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      /* ignore */
    }
  }

  function uuid() {
    var c = window.crypto || window.msCrypto;
    if (c && typeof c.randomUUID === 'function') {
      try {
        return c.randomUUID();
      } catch (e) {
        /* insecure context */
      }
    }
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = [];
    for (var j = 0; j < 16; j++) hex.push((b[j] + 0x100).toString(16).slice(1));
    return (
      hex.slice(0, 4).join('') + '-' + hex.slice(4, 6).join('') + '-' + hex.slice(6, 8).join('') + '-' +
      hex.slice(8, 10).join('') + '-' + hex.slice(10, 16).join('')
    );
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  var ICONS = {
    person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-4.4 0-8 2.2-8 5v1h16v-1c0-2.8-3.6-5-8-5z',
    pin: 'M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z',
    camera: 'M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 14.5a5 5 0 1 1 0-10 5 5 0 0 1 0 10zm0-2a3 3 0 1 0 0-6 3 3 0 0 0 0 6z'
  };

  function icon(name, size) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', String(size));
    svg.setAttribute('height', String(size));
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('fill', 'currentColor');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function eachNode(selector, fn) {
    var nodes = document.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) fn(nodes[i]);
  }

  function lower(s) {
    try {
      return s.toLocaleLowerCase(locale);
    } catch (e) {
      return s.toLowerCase();
    }
  }

  function delay(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  function isFinePointer() {
    try {
      return window.matchMedia('(hover: hover) and (pointer: fine)').matches;
    } catch (e) {
      return true;
    }
  }

  function parseQuery(search) {
    var out = {};
    (search || '').replace(/^\?/, '').split('&').forEach(function (pair) {
      if (!pair) return;
      var i = pair.indexOf('=');
      var k = i === -1 ? pair : pair.slice(0, i);
      var v = i === -1 ? '' : pair.slice(i + 1);
      try {
        out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, ' '));
      } catch (e) {
        /* malformed: skip */
      }
    });
    return out;
  }

  /* ?accent=#0a6 (passed by widget.js from data-color) restyles the page. Only plain colours. */
  function applyAccent(value) {
    if (!value || !/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\))$/.test(value)) return;
    if (window.CSS && CSS.supports && !CSS.supports('color', value)) return;
    root.style.setProperty('--accent', value);
  }
})();
