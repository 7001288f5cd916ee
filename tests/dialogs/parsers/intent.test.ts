import { describe, expect, it } from 'vitest';
import { matchesAny } from '../../../src/dialogs/parsers/intent.js';

describe('matchesAny', () => {
  const human = ['hablar con una persona', 'operador', 'asesor', 'humano', 'agente*'];

  it.each([
    ['Quiero hablar con una persona', human],
    ['OPERADOR', human],
    ['¿me comunica con un asesor?', human],
    ['un humano por favor', human],
    ['un agente', human],
    ['agentes', human],
    ['cancelar', ['cancelar']],
    ['Cancelar.', ['cancelar']],
    ['hola', ['hola']],
    ['Hola!!', ['hola']],
    ['holaaa', ['hola']],
    ['Buenos días', ['buenos dias']],
    ['buenos  dias', ['buenos dias']],
    ['necesito ayuda', ['ayuda']],
    ['cancelaron el servicio', ['cancel*']],
    ['👋', ['👋']],
  ])('"%s" matches', (text, patterns) => {
    expect(matchesAny(text, patterns)).toBe(true);
  });

  it.each([
    ['cancelaron el servicio', ['cancelar']],
    ['viajé a Holanda', ['hola']],
    ['buenos', ['buenos dias']],
    ['días buenos', ['buenos dias']],
    ['ayudante', ['ayuda']],
    ['hablar con una', human],
    ['cooperador', human],
    ['', ['hola']],
    ['hola', []],
    ['hola', ['', '*']],
    ['shola', ['hola']],
  ])('"%s" does not match', (text, patterns) => {
    expect(matchesAny(text, patterns)).toBe(false);
  });
});
