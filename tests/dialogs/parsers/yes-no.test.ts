import { describe, expect, it } from 'vitest';
import { parseYesNo } from '../../../src/dialogs/parsers/yes-no.js';

describe('parseYesNo', () => {
  it.each([
    'sí',
    'si',
    'Si',
    'SI',
    'sip',
    'sii',
    'siiiii',
    'claro',
    'Claro que sí',
    'correcto',
    'ok',
    'OK',
    'okay',
    'dale',
    'va',
    'de acuerdo',
    'De acuerdo.',
    'afirmativo',
    'simón',
    'así es',
    'está bien',
    'esta bien',
    'confirmo',
    '👍',
    '👍🏽',
    'yes',
    'Sí, pero falta el número de casa',
    'si, claro',
    'ok gracias',
    'no hay problema',
    'por supuesto',
    '¡Sí!',
    'sí por favor',
  ])('"%s" is yes', (text) => {
    expect(parseYesNo(text)).toBe(true);
  });

  it.each([
    'no',
    'No',
    'NO',
    'nooo',
    'nop',
    'nel',
    'negativo',
    'incorrecto',
    'corregir',
    'quiero cambiar el teléfono',
    '👎',
    'no es correcto',
    'no está bien',
    'no estoy de acuerdo',
    'claro que no',
    'No, gracias',
    'para nada',
    'está mal',
  ])('"%s" is no', (text) => {
    expect(parseYesNo(text)).toBe(false);
  });

  it.each([
    '',
    '   ',
    'hola',
    'la calle Hidalgo',
    'sí y no',
    'si, pero no es correcto',
    'no sé',
    'no lo sé',
    'tal vez',
    'quizás',
    'a lo mejor',
    'no, está bien',
    '👍👎',
    'sino',
    'nombre',
    'okupa',
    'vaca',
    'sinónimo',
    '123',
  ])('"%s" is neither', (text) => {
    expect(parseYesNo(text)).toBeUndefined();
  });
});
