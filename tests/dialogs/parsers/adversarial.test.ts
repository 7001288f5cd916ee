import { describe, expect, it } from 'vitest';
import { extractAddress, looksLikeAddress } from '../../../src/dialogs/parsers/address.js';
import { parseChoice } from '../../../src/dialogs/parsers/choice.js';
import { declinesContact, sameNumber } from '../../../src/dialogs/parsers/contact.js';
import { extractEmail } from '../../../src/dialogs/parsers/email.js';
import { extractFolio } from '../../../src/dialogs/parsers/folio.js';
import { matchesAny } from '../../../src/dialogs/parsers/intent.js';
import { extractName } from '../../../src/dialogs/parsers/name.js';
import { extractPhone } from '../../../src/dialogs/parsers/phone.js';
import { parseYesNo } from '../../../src/dialogs/parsers/yes-no.js';

describe('adversarial input', () => {
  const inputs = [
    '1 '.repeat(2000),
    '1-'.repeat(2000),
    '1'.repeat(4000),
    '+('.repeat(2000),
    'a@'.repeat(2000),
    'a'.repeat(3990) + '@b.com',
    '@' + 'a.'.repeat(1999),
    'calle de la '.repeat(333),
    'calle '.repeat(666),
    'calle Hidalgo y '.repeat(250),
    'entre A y '.repeat(400),
    'esquina con '.repeat(333),
    'frente al kinder de la '.repeat(173),
    'Juárez y '.repeat(444),
    'a un lado de la iglesia de San '.repeat(129),
    'no tengo ni '.repeat(333),
    'este mismo '.repeat(363),
    'ac 2026 '.repeat(500),
    'me llamo '.repeat(444),
    'soy '.repeat(1000),
    'si no '.repeat(666),
    'x'.repeat(4000),
    'é'.repeat(4000),
    '👍'.repeat(2000),
    ' '.repeat(4000),
    'a-'.repeat(2000),
    ('5512345678 ' + 'Hidalgo 123, col. Centro, ').repeat(100).slice(0, 4000),
  ];

  it.each(inputs.map((s, i) => [i, s] as const))('input #%i returns from every parser', (_, text) => {
    expect(text.length).toBeLessThanOrEqual(4000);
    const options = [
      { id: 'a', label: 'Alumbrado público' },
      { id: 'b', label: 'Baches y pavimento' },
    ];
    parseYesNo(text);
    parseChoice(text, options);
    extractPhone(text);
    extractEmail(text);
    extractFolio(text);
    extractAddress(text);
    looksLikeAddress(text);
    extractName(text);
    extractName(text, { wholeAnswer: true });
    declinesContact(text);
    sameNumber(text);
    expect(typeof matchesAny(text, ['hablar con una persona', 'cancel*', 'hola'])).toBe('boolean');
  });
});
