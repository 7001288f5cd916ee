import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/language/normalize-text.js';
import { sourceAsset } from '../../src/paths.js';
import { CueWords, detectCues, isContentWord } from '../../src/understanding/cues.js';

const cuesOf = (text: string) => {
  const joined = normalizeText(text);
  return detectCues(text, joined ? joined.split(' ') : [], joined);
};

describe('wording cues', () => {
  it('hear a rhetorical question, sarcasm and a long wait', () => {
    expect(cuesOf('¿para qué pagamos impuestos si nadie limpia?')).toEqual(expect.arrayContaining(['question', 'rhetorical', 'neglect']));
    expect(cuesOf('gracias por nada, otra semana sin luz')).toEqual(expect.arrayContaining(['praise', 'sarcasm']));
    expect(cuesOf('ya van 5 días sin agua')).toEqual(expect.arrayContaining(['ya-van', 'duration']));
  });

  it('tell sincere thanks from sarcastic ones', () => {
    expect(cuesOf('muchas gracias por arreglar la luz tan rápido')).not.toContain('sarcasm');
  });

  it('hear proposals, wishes and ordered fixes', () => {
    expect(cuesOf('Propuesta: ciclovía en la avenida')).toContain('proposal-open');
    expect(cuesOf('Que pongan más contenedores')).toContain('wish');
    expect(cuesOf('tapen el pozo de la esquina')).toContain('imperative-open');
  });

  it('tell a noun-phrase report from a noun-phrase proposal', () => {
    expect(cuesOf('Luminaria apagada en calle Moreno')).toContain('nominal-defect');
    expect(cuesOf('Papeleras en la costanera')).toContain('nominal');
  });

  it('know greetings and function words from content words', () => {
    for (const word of ['hola', 'buenas', 'que', 'quiero', 'algo']) expect(isContentWord(word), word).toBe(false);
    for (const word of ['bache', 'luz', 'pizza', 'onda']) expect(isContentWord(word), word).toBe(true);
  });
});

describe('classifier-cues.json', () => {
  it('is valid, normalized and states its licence', () => {
    const file = CueWords.parse(JSON.parse(readFileSync(sourceAsset('understanding', 'classifier-cues.json'), 'utf8')));
    expect(file.licence).toMatch(/AGPL-3\.0-or-later/);
    for (const [name, list] of Object.entries(file)) {
      if (!Array.isArray(list) || name === 'notes') continue;
      for (const word of list) expect(normalizeText(word), `${name}: ${word}`).toBe(word);
    }
  });
});
