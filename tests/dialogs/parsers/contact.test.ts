import { describe, expect, it } from 'vitest';
import { declinesContact, sameNumber } from '../../../src/dialogs/parsers/contact.js';
import { languagePack } from '../../../src/language/language-pack.js';

const en = languagePack('en');

describe('declinesContact', () => {
  it.each([
    'no tengo teléfono',
    'no tengo correo',
    'no tengo ni teléfono ni correo',
    'no tengo cel',
    'No tengo celular, gracias',
    'prefiero no dar mi número',
    'no cuento con correo',
    'no tengo e-mail',
    'no tengo whatsapp',
    'sin teléfono',
    'no tengo',
    'ninguno',
    'NO TENGO TELEFONO',
  ])('"%s" declines', (text) => {
    expect(declinesContact(text)).toBe(true);
  });

  it.each([
    'sí tengo teléfono',
    'tengo correo',
    'mi teléfono es 5512345678',
    'no tengo correo pero mi cel es 3111234567',
    'no tengo teléfono, escríbanme a juan@example.com',
    'no tengo agua',
    'no tengo tiempo',
    'no tengo saldo en el teléfono',
    'el teléfono no sirve',
    'no',
    'no sé',
    '',
  ])('"%s" does not', (text) => {
    expect(declinesContact(text)).toBe(false);
  });

  it.each([
    ["I don't have a phone", true],
    ['I dont have a phone', true],
    ['I do not have an email', true],
    ['I have no phone', true],
    ['no phone', true],
    ['none', true],
    ['I would rather not give my number', true],
    ['no tengo teléfono', true],
    ['I have a phone', false],
    ['my phone is 555 123 4567', false],
    ['I have no idea', false],
  ])('in English, "%s" → %s', (text, expected) => {
    expect(declinesContact(text, en)).toBe(expected);
  });
});

describe('sameNumber', () => {
  it.each([
    'este mismo número',
    'a este número',
    'A este mismo número por favor',
    'este mismo',
    'al que te escribo',
    'Al que te estoy escribiendo',
    'de donde te escribo',
    'a este whatsapp',
    'sí, a este',
    'este',
    'este por favor',
    'el mismo',
  ])('"%s" means the number they write from', (text) => {
    expect(sameNumber(text)).toBe(true);
  });

  it.each([
    'no, a otro número',
    'a otro',
    'no a este',
    'este no',
    'este número no, el otro',
    'no es este número',
    'mi número es otro',
    'el de mi casa',
    'a este número: 5512345678',
    '5512345678',
    'no sé',
    '',
  ])('"%s" does not', (text) => {
    expect(sameNumber(text)).toBe(false);
  });

  it.each([
    ['this number', true],
    ['this same one', true],
    ['this one', true],
    ['the same', true],
    ['the one I am writing from', true],
    ['este mismo', true],
    ['not this number', false],
    ['another one', false],
    ['555 123 4567', false],
  ])('in English, "%s" → %s', (text, expected) => {
    expect(sameNumber(text, en)).toBe(expected);
  });
});
