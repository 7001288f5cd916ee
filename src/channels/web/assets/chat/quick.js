// @ts-check
// Quick replies, driven by the last bot message's prompt: options, yes/no, share location, attach photo, skip.
import { activeInput, focusInputIfDesktop, setInputKind } from './composer.js';
import { appendNotice } from './render.js';
import { chat, hooks, ui } from './state.js';
import { el, icon, isFinePointer, lower, t } from './util.js';

export function updateQuick() {
  const quick = ui.quick;
  const hadFocus = quick.contains(document.activeElement);
  quick.textContent = '';
  quick.className = 'quick';
  const busy = chat.sending || chat.queue.length > 0;
  const p = busy ? null : chat.lastBotPrompt;
  setInputKind(chat.lastBotPrompt ? chat.lastBotPrompt.kind : 'text');
  if (!p) {
    quick.hidden = true;
    if (hadFocus) chat.refocusAfterReply = true;
    return;
  }
  let count = 0;
  /**
   * @param {string} label
   * @param {string} cls
   * @param {(button: HTMLButtonElement) => void} onClick
   * @param {'pin' | 'camera'} [iconName]
   */
  const add = (label, cls, onClick, iconName) => {
    const b = el('button', 'chip' + (cls ? ' ' + cls : ''));
    b.type = 'button';
    if (iconName) b.appendChild(icon(iconName, 20));
    b.appendChild(document.createTextNode(label));
    b.addEventListener('click', () => {
      onClick(b);
    });
    quick.appendChild(b);
    count++;
    return b;
  };

  if (p.kind === 'yes_no') {
    quick.classList.add('quick-yes-no');
    const yn = p.options.length
      ? p.options
      : [
          { id: 'yes', label: t('chat.yes') },
          { id: 'no', label: t('chat.no') },
        ];
    yn.forEach((o) => {
      const spoken = o.id === 'yes' ? lower(t('chat.yes')) : o.id === 'no' ? lower(t('chat.no')) : o.label;
      add(o.label, '', () => {
        sendChoice(String(o.id), spoken, o.label);
      });
    });
  } else {
    p.options.forEach((o) => {
      add(o.label, '', () => {
        sendChoice(String(o.id), o.label, o.label);
      });
    });
  }

  if (p.kind === 'location' && navigator.geolocation) {
    add(t('chat.share_location'), 'chip-primary', shareLocation, 'pin');
  }
  if (p.kind === 'photo') {
    add(
      t('chat.attach_photo'),
      'chip-primary',
      () => {
        chat.refocusAfterReply = true;
        ui.file.click();
      },
      'camera',
    );
  }
  // A step may already offer skipping among its options: one «Omitir» is enough.
  const offersSkip = p.options.some((o) => String(o.id) === 'skip' || lower(o.label) === lower(t('chat.skip')));
  if (p.optional && !offersSkip) {
    add(t('chat.skip'), 'chip-secondary', () => {
      sendChoice('skip', lower(t('chat.skip')), t('chat.skip'));
    });
  }
  quick.hidden = count === 0;
  if (count && quick.scrollTop) quick.scrollTop = 0;
  if (hadFocus && count) focusQuick();
}

/** @param {string} id @param {string} text @param {string} display */
function sendChoice(id, text, display) {
  chat.refocusAfterReply = true;
  hooks.enqueue({ kind: 'json', payload: { choice: id, text }, display });
}

/** @param {HTMLButtonElement} btn */
function shareLocation(btn) {
  if (!navigator.geolocation) {
    appendNotice(t('chat.location_denied'));
    return;
  }
  const gen = chat.generation;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  let done = false;
  const fail = () => {
    if (done || gen !== chat.generation) return;
    done = true;
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    appendNotice(t('chat.location_denied'));
    focusInputIfDesktop();
  };
  // Some browsers never call back when the permission prompt is dismissed: give up after a while.
  const guard = setTimeout(fail, 30000);
  try {
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        clearTimeout(guard);
        if (done || gen !== chat.generation) return;
        done = true;
        chat.refocusAfterReply = true;
        hooks.enqueue({
          kind: 'json',
          payload: { location: { latitude: pos.coords.latitude, longitude: pos.coords.longitude } },
          display: t('chat.location_sent'),
        });
      },
      () => {
        clearTimeout(guard);
        fail();
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
    );
  } catch (_e) {
    clearTimeout(guard);
    fail();
  }
}

function focusQuick() {
  const first = ui.quick.querySelector('button');
  if (isFinePointer()) {
    activeInput().focus();
  } else if (first) {
    first.focus();
  } else {
    ui.quick.focus();
  }
}

/* After a quick reply: keep keyboard users in the input; on touch screens avoid popping the
 * keyboard over the answer, but don't leave focus on <body> either. */
export function restoreFocusAfterQuickReply() {
  if (isFinePointer()) {
    activeInput().focus();
    return;
  }
  const active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) return;
  if (!ui.quick.hidden) ui.quick.focus();
}
