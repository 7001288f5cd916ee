import { describe, expect, it } from 'vitest';
import { extractEmail } from '../../../src/dialogs/parsers/email.js';

describe('extractEmail', () => {
  it.each([
    ['juan@example.com', 'juan@example.com'],
    ['mi correo es Juan.Perez@Gmail.com.', 'juan.perez@gmail.com'],
    ['escríbeme a ana_maria+avisos@municipio.gob.mx, gracias', 'ana_maria+avisos@municipio.gob.mx'],
    ['<pedro-r@correo.com.ar>', 'pedro-r@correo.com.ar'],
    ['correo: x@y.co y otro z@w.org', 'x@y.co'],
    ['..juan@example.com', 'juan@example.com'],
  ])('"%s" → %s', (text, expected) => {
    expect(extractEmail(text)).toBe(expected);
  });

  it.each([
    '',
    'juan@',
    '@example.com',
    'juan@example',
    'juan at example.com',
    'juan@@example.com',
    'a@b.c',
    'juan..perez@example.com',
    'sígueme en @municipio',
  ])('"%s" has no e-mail', (text) => {
    expect(extractEmail(text)).toBeUndefined();
  });
});
