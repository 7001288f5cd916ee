import { describe, expect, it } from 'vitest';
import { extractAddress, looksLikeAddress } from '../../../src/dialogs/parsers/address.js';
import { languagePack } from '../../../src/language/language-pack.js';

const en = languagePack('en');

describe('extractAddress with the English pack', () => {
  it.each([
    ['on the corner of Main and 5th', 'corner of Main and 5th'],
    ['corner of Main St and Oak Ave', 'corner of Main St and Oak Ave'],
    ['pothole at Main St and Oak Ave', 'Main St and Oak Ave'],
    ['Elm St between 3rd and 4th', 'Elm St between 3rd and 4th'],
    ['Elm between 3rd and 4th', 'Elm between 3rd and 4th'],
    ['Main St', 'Main St'],
    ['there is a pothole on Oak St.', 'Oak St.'],
    ['the streetlight on 5th Avenue is out', '5th Avenue'],
    ['Water leak at 123 Elm Street', '123 Elm Street'],
    ['45 Main Street, Downtown', '45 Main Street, Downtown'],
    ['the park on Main Street is dirty', 'Main Street'],
    ['the lights are out downtown', 'downtown'],
    ['near downtown', 'near downtown'],
    ['in front of the school', 'in front of the school'],
    ['Broken light next to the library', 'next to the library'],
    ['near the market', 'near the market'],
    ['trash behind the old market', 'behind the old market'],
    ['across from the gas station', 'across from the gas station'],
    ['near the Walmart', 'near the Walmart'],
    ['behind City Hall', 'behind City Hall'],
    ['at the DMV they were rude', 'DMV'],
    ['at Lincoln Elementary', 'Lincoln Elementary'],
    ['two blocks from the church', 'two blocks from the church'],
    // The English pack still reads Spanish.
    ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'calle Hidalgo 123'],
    ['en la esquina de Juárez y Allende', 'esquina de Juárez y Allende'],
    ['en la tesorería me trataron mal', 'tesorería'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text, en)).toBe(expected);
  });

  it.each([
    'there is no water since yesterday',
    'I have a complaint',
    'the garbage truck did not come',
    'I want to make a report',
    'they treated me badly',
    'Street lights are out',
    'by the way the lights are out',
    'I was hit by the bus',
    'run by the city',
    'in the morning',
    'Ask Dr Smith',
    'near my house',
    'John and Mary were rude',
    'in front of everyone',
    'information on the DMV',
    'at the park',
    'My name is John Smith',
    'between Monday and Friday',
  ])('"%s" has no place', (text) => {
    expect(extractAddress(text, en)).toBeUndefined();
  });
});

describe('looksLikeAddress with the English pack', () => {
  it.each([
    'downtown',
    'Main St',
    'corner of Main and 5th',
    'the library',
    'at City Hall',
    'near the park',
    'Oak Park',
    '45 Main Street, Downtown',
  ])('"%s" looks like a place', (text) => {
    expect(looksLikeAddress(text, en)).toBe(true);
  });

  it.each(['I already told you', "I don't know", 'tomorrow', 'I have a complaint', 'no', 'yes please'])('"%s" does not', (text) => {
    expect(looksLikeAddress(text, en)).toBe(false);
  });
});
