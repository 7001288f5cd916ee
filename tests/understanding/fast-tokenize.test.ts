import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/language/normalize-text.js';
import { tokenizeClausesFast, tokenizeClausesSlow } from '../../src/understanding/fast-tokenize.js';
import { readTrainingData } from '../../src/understanding/training-data.js';

const data = readTrainingData();
const texts = [...data.corpora.flatMap((c) => c.rows.map((r) => r.text)), ...data.offTopic.texts];

/** A small seeded generator, so a failure names a text that can be reproduced. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOL = [...'aaabcdeeefghiiijklmnñooopqrstuuuvwxyzAÁÉÍÓÚÜÑáéíóúüàèçªº²0123456789      .,;:!?¡¿\n\r-_/()"\'#@*+…–—“”«»·×÷'];
const WORDS = ['xfa', 'q', 'k', 'pq', 'porfa', 'd', 'x', 'pa', 'holaaaa', 'BÁCHEEEE', 'tmb', 'info', 'hrs', 'ǅ', 'ß', '½', '😡', 'İ'];

describe('the fast tokenizer', () => {
  it('gives exactly the clauses `tokenize` gives, on every training line', () => {
    for (const text of texts) expect(tokenizeClausesFast(text) ?? tokenizeClausesSlow(text), text).toEqual(tokenizeClausesSlow(text));
  });

  it('gives exactly what `tokenize` gives on random text, or declines', () => {
    const next = random(15);
    let handled = 0;
    for (let n = 0; n < 5000; n++) {
      let text = '';
      const length = Math.floor(next() * 40);
      for (let i = 0; i < length; i++)
        text += next() < 0.15 ? ` ${WORDS[Math.floor(next() * WORDS.length)]} ` : POOL[Math.floor(next() * POOL.length)];
      const fast = tokenizeClausesFast(text);
      if (fast === undefined) continue;
      handled++;
      expect(fast, JSON.stringify(text)).toEqual(tokenizeClausesSlow(text));
      expect(fast.flat().join(' '), JSON.stringify(text)).toBe(normalizeText(text));
    }
    expect(handled).toBeGreaterThan(1000);
  });

  it('declines what it does not know, so `tokenize` handles it', () => {
    for (const text of ['😡😡 basura', 'straße', '½ cuadra', 'ǅ']) expect(tokenizeClausesFast(text), text).toBeUndefined();
  });
});
