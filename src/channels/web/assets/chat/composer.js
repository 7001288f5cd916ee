// @ts-check
// The composer: a growing textarea, or a one-line input when the bot asks for a phone or an email.
import { hooks, ui } from './state.js';
import { isFinePointer, t } from './util.js';

export function wireComposer() {
  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitTyped();
  });
  /** @type {HTMLElement[]} */
  const inputs = [ui.textarea, ui.line];
  inputs.forEach((input) => {
    input.addEventListener('input', onInputChanged);
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || e.isComposing || e.keyCode === 229) return;
      if (e.shiftKey && input === ui.textarea) return; // Shift+Enter: new line
      e.preventDefault();
      submitTyped();
    });
  });
  // Keep the focus (and the phone keyboard) in the input when the send button is tapped.
  ui.send.addEventListener('mousedown', (e) => {
    e.preventDefault();
  });
  ui.send.addEventListener('touchstart', () => {}, { passive: true });

  ui.file.addEventListener('change', () => {
    const file = ui.file.files?.[0];
    ui.file.value = '';
    if (!file) return;
    hooks.enqueue({ kind: 'photo', file, display: t('chat.photo_sent') });
  });

  if (ui.newConv) ui.newConv.addEventListener('click', () => hooks.confirmNewConversation());
  onInputChanged();
}

function submitTyped() {
  const input = activeInput();
  const text = input.value.replace(/^\s+|\s+$/g, '');
  if (!text) return;
  input.value = '';
  onInputChanged();
  hooks.enqueue({ kind: 'json', payload: { text }, display: text });
  input.focus();
}

/** @returns {HTMLTextAreaElement | HTMLInputElement} */
export function activeInput() {
  return ui.line.hidden ? ui.textarea : ui.line;
}

export function onInputChanged() {
  const input = activeInput();
  ui.send.disabled = !/\S/.test(input.value);
  if (input === ui.textarea) autosize();
}

function autosize() {
  ui.textarea.style.height = 'auto';
  const h = Math.min(ui.textarea.scrollHeight + 3, 148);
  ui.textarea.style.height = h + 'px';
}

/** phone → <input type=tel>, email → <input type=email>, anything else → the multi-line textarea. @param {string} kind */
export function setInputKind(kind) {
  const line = ui.line;
  const wantLine = kind === 'phone' || kind === 'email';
  const current = activeInput();
  if (wantLine) {
    const type = kind === 'phone' ? 'tel' : 'email';
    line.type = type;
    line.setAttribute('inputmode', type);
    line.setAttribute('autocomplete', type === 'tel' ? 'tel' : 'email');
    line.setAttribute('autocapitalize', 'off');
  }
  const next = wantLine ? line : ui.textarea;
  if (next === current) return;
  const hadFocus = document.activeElement === current;
  next.value = current.value.replace(/\n+/g, ' ');
  current.value = '';
  current.hidden = true;
  next.hidden = false;
  onInputChanged();
  if (hadFocus) next.focus();
}

export function focusInputIfDesktop() {
  if (isFinePointer()) activeInput().focus();
}

/** Puts text back in the input, unless the citizen has typed something else since. @param {string} text */
export function restoreTyped(text) {
  const input = activeInput();
  if (text && !input.value) {
    input.value = text;
    onInputChanged();
  }
}
