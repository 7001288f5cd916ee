import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/html.js';

describe('the one HTML escape', () => {
  it('escapes markup and both quotes, and the ampersand first so nothing is escaped twice', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry &amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry &amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml('Calle Hidalgo 123, Col. Centro')).toBe('Calle Hidalgo 123, Col. Centro');
  });
});
