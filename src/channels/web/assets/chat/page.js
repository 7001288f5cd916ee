// @ts-check
// The page around the chat: going on- and offline, background tabs, the phone keyboard, and the widget's frame.
import { focusInputIfDesktop } from './composer.js';
import { boot, revokePreviews } from './conversation.js';
import { resumeQueue } from './queue.js';
import { scrollToBottom } from './render.js';
import { catchUp, reconnectNow } from './socket.js';
import { chat } from './state.js';
import { setOffline } from './status.js';
import { prop } from './util.js';

export function wireLifecycle() {
  window.addEventListener('online', () => {
    if (chat.booting) {
      clearTimeout(chat.bootTimer);
      chat.bootBackoff = 1000;
      boot();
      return;
    }
    reconnectNow();
    resumeQueue();
  });
  window.addEventListener('offline', () => {
    setOffline(true);
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || chat.booting) return;
    reconnectNow();
    catchUp(); // mobile browsers freeze background tabs; pick up what we missed
  });
  window.addEventListener('pagehide', revokePreviews);
}

/** iOS does not shrink the layout viewport when the keyboard opens: follow visualViewport. */
export function wireViewport() {
  const vv = window.visualViewport;
  if (!vv) return;
  const root = document.documentElement;
  const fit = () => {
    const keyboardLikely = vv.height < window.innerHeight - 1 && Math.abs(vv.scale - 1) < 0.01;
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

/** Inside the widget's frame: Escape closes it, and it may ask us to focus the input. */
export function wireEmbed() {
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' || e.key === 'Esc') {
      try {
        window.parent.postMessage({ type: 'ventanilla:close' }, '*');
      } catch (_err) {
        /* not framed */
      }
    }
  });
  window.addEventListener('message', (e) => {
    if (e.source !== window.parent || prop(e.data, 'type') !== 'ventanilla:focus') return;
    focusInputIfDesktop();
  });
}
