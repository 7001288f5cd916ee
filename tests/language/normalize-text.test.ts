import { describe, expect, it } from 'vitest';
import { foldText, normalizeText, tokenize } from '../../src/language/normalize-text.js';

describe('normalizeText', () => {
  it('lowercases and strips accents, keeping ñ as n', () => {
    expect(normalizeText('Árbol CAÍDO en la Calle Peñón')).toBe('arbol caido en la calle penon');
    expect(normalizeText('desagüe')).toBe('desague');
  });

  it('drops emoji and punctuation, collapsing the gaps to single spaces', () => {
    expect(normalizeText('¡¡Hay un bache!! 😡😡  ¿quién lo arregla?')).toBe('hay un bache quien lo arregla');
    expect(normalizeText('calle Hidalgo #123, col. Centro')).toBe('calle hidalgo 123 col centro');
    expect(normalizeText('👍🏽')).toBe('');
  });

  it('shortens letters stretched three or more times but keeps doubled letters and digits', () => {
    expect(normalizeText('holaaaa')).toBe('hola');
    expect(normalizeText('siiiii porfavoooor')).toBe('si por favor');
    expect(normalizeText('la calle llena de carros')).toBe('la calle llena de carros');
    expect(normalizeText('el 1000 y el 2220')).toBe('el 1000 y el 2220');
  });

  it('expands chat shorthand only as standalone words', () => {
    expect(normalizeText('xfa q alguien venga')).toBe('por favor que alguien venga');
    expect(normalizeText('x favor')).toBe('por favor');
    expect(normalizeText('porfa, pq no pasa el camion? tb la luz')).toBe('por favor porque no pasa el camion tambien la luz');
    expect(normalizeText('xq k tmb d noche')).toBe('porque que tambien de noche');
    expect(normalizeText('porq nadie viene')).toBe('porque nadie viene');
    // Inside a word the same letters are left alone.
    expect(normalizeText('Xochimilco que dia')).toBe('xochimilco que dia');
  });

  it('folds styled and full-width letters people paste from social media', () => {
    expect(normalizeText('𝐁𝐀𝐂𝐇𝐄 ＡＧＵＡ')).toBe('bache agua');
  });

  it('is idempotent', () => {
    const once = normalizeText('YA VAN 3 SEMANAS Q NO PASA EL CAMIÓN!!! xfa');
    expect(once).toBe('ya van 3 semanas que no pasa el camion por favor');
    expect(normalizeText(once)).toBe(once);
  });
});

describe('tokenize', () => {
  it('splits the normalized text into words', () => {
    expect(tokenize('  ¿Dónde   pago el predial?  ')).toEqual(['donde', 'pago', 'el', 'predial']);
  });

  it('gives no tokens for text without letters or digits', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('?! 🙏')).toEqual([]);
  });

  it('turns an expanded abbreviation into separate words', () => {
    expect(tokenize('xfa')).toEqual(['por', 'favor']);
  });
});

describe('foldText', () => {
  it('folds case and accents as normalizeText does, one unit for one, so offsets still point into the original', () => {
    const text = 'Calle Hidalgo Nº 5, ÑOÑO — Año 2026 👍';
    const folded = foldText(text);
    expect(folded).toHaveLength(text.length);
    expect(folded).toBe('calle hidalgo no 5, nono — ano 2026 👍');
    for (const word of ['Calle', 'Hidalgo', 'ÑOÑO', 'Año']) {
      const at = text.indexOf(word);
      expect(folded.slice(at, at + word.length)).toBe(normalizeText(word));
    }
  });
});
