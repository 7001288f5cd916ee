// @ts-check
/*
 * Ventanilla — citizen web chat, the part that must run before the first paint.
 * A classic script loaded synchronously from <head>: it marks <html> for embed mode at once (no flash of
 * the big header inside the widget) and applies the widget's accent colour. The chat itself is the
 * module /chat/main.js, which runs once the document is parsed.
 */
(function () {
  var root = document.documentElement;
  var query = parseQuery(location.search);
  if (query.embed === '1' || query.embed === 'true') root.classList.add('embed');
  applyAccent(query.accent);

  /** @param {string} search @returns {Record<string, string>} */
  function parseQuery(search) {
    /** @type {Record<string, string>} */
    var out = {};
    (search || '')
      .replace(/^\?/, '')
      .split('&')
      .forEach(function (pair) {
        if (!pair) return;
        var i = pair.indexOf('=');
        var k = i === -1 ? pair : pair.slice(0, i);
        var v = i === -1 ? '' : pair.slice(i + 1);
        try {
          out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, ' '));
        } catch (_e) {
          /* malformed: skip */
        }
      });
    return out;
  }

  /** ?accent=#0a6 (passed by widget.js from data-color) restyles the page. Only plain colours. @param {string | undefined} value */
  function applyAccent(value) {
    if (!value || !/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\))$/.test(value)) return;
    if (window.CSS && CSS.supports && !CSS.supports('color', value)) return;
    root.style.setProperty('--accent', value);
  }
})();
