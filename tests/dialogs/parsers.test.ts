import { describe, expect, it } from 'vitest';
import {
  extractAddress,
  extractEmail,
  extractFolio,
  extractName,
  extractPhone,
  looksLikeAddress,
  matchesAny,
  parseChoice,
  parseYesNo,
} from '../../src/dialogs/parsers.js';

describe('parseYesNo', () => {
  it.each([
    'sí', 'si', 'Si', 'SI', 'sip', 'sii', 'siiiii', 'claro', 'Claro que sí', 'correcto', 'ok', 'OK', 'okay', 'dale',
    'va', 'de acuerdo', 'De acuerdo.', 'afirmativo', 'simón', 'así es', 'está bien', 'esta bien', 'confirmo', '👍',
    '👍🏽', 'yes', 'Sí, pero falta el número de casa', 'si, claro', 'ok gracias', 'no hay problema', 'por supuesto',
    '¡Sí!', 'sí por favor',
  ])('"%s" is yes', (text) => {
    expect(parseYesNo(text)).toBe(true);
  });

  it.each([
    'no', 'No', 'NO', 'nooo', 'nop', 'nel', 'negativo', 'incorrecto', 'corregir', 'quiero cambiar el teléfono', '👎',
    'no es correcto', 'no está bien', 'no estoy de acuerdo', 'claro que no', 'No, gracias', 'para nada', 'está mal',
  ])('"%s" is no', (text) => {
    expect(parseYesNo(text)).toBe(false);
  });

  it.each([
    '', '   ', 'hola', 'la calle Hidalgo', 'sí y no', 'si, pero no es correcto', 'no sé', 'no lo sé', 'tal vez',
    'quizás', 'a lo mejor', 'no, está bien', '👍👎', 'sino', 'nombre', 'okupa', 'vaca', 'sinónimo', '123',
  ])('"%s" is neither', (text) => {
    expect(parseYesNo(text)).toBeUndefined();
  });
});

describe('parseChoice', () => {
  const options = [
    { id: 'reporte', label: 'Reporte' },
    { id: 'queja', label: 'Queja' },
    { id: 'sugerencia', label: 'Sugerencia' },
    { id: 'tramite', label: 'Trámite o servicio' },
  ];

  it.each<[string, string | undefined, string | undefined]>([
    ['', 'queja', 'queja'],
    ['lo que sea', 'tramite', 'tramite'],
    ['1', 'unknown-button', 'reporte'],
  ])('a button id wins (%s, %s)', (text, choiceId, expected) => {
    expect(parseChoice(text, options, choiceId)).toBe(expected);
  });

  it.each([
    ['2', 'queja'],
    ['2.', 'queja'],
    ['2)', 'queja'],
    [' 3 ', 'sugerencia'],
    ['opción 2', 'queja'],
    ['Opcion 4', 'tramite'],
    ['la 2', 'queja'],
    ['la opción 3', 'sugerencia'],
    ['dos', 'queja'],
    ['segunda', 'queja'],
    ['la segunda', 'queja'],
    ['la primera opción', 'reporte'],
    ['tercera', 'sugerencia'],
    ['2da', 'queja'],
    ['1ra', 'reporte'],
    ['#2', 'queja'],
    ['la 2 por favor', 'queja'],
    ['la última', 'tramite'],
    ['2️⃣', 'queja'],
  ])('ordinal "%s" → %s', (text, expected) => {
    expect(parseChoice(text, options)).toBe(expected);
  });

  it.each([
    ['Queja', 'queja'],
    ['queja', 'queja'],
    ['QUEJA', 'queja'],
    ['tramite', 'tramite'],
    ['Trámite o servicio', 'tramite'],
    ['quiero poner una queja', 'queja'],
    ['es un trámite', 'tramite'],
    ['sug', 'sugerencia'],
    ['suger', 'sugerencia'],
    ['servicio', 'tramite'],
    ['report', 'reporte'],
    ['qeja', 'queja'],
    ['quejaa', 'queja'],
    ['sujerencia', 'sugerencia'],
    ['sugerensia', 'sugerencia'],
    ['reprote', 'reporte'],
    ['tramte', 'tramite'],
    ['sugerencia', 'sugerencia'],
  ])('label "%s" → %s', (text, expected) => {
    expect(parseChoice(text, options)).toBe(expected);
  });

  it.each([
    '', 'hola', '5', '0', 'la 7', 'que', 'una queja y una sugerencia', 'xyz', 're', 'reporte o queja', 'blablabla',
    'quiero saber el horario de la oficina de catastro',
  ])('"%s" picks nothing', (text) => {
    expect(parseChoice(text, options)).toBeUndefined();
  });

  it('matches the id when the citizen types it', () => {
    expect(parseChoice('baches-pavimento', [{ id: 'baches-pavimento', label: 'Baches' }, { id: 'otros', label: 'Otros' }])).toBe('baches-pavimento');
  });

  it('prefers the longer label that covers a shorter one', () => {
    const opts = [
      { id: 'q', label: 'Queja' },
      { id: 'qa', label: 'Queja anónima' },
    ];
    expect(parseChoice('una queja anónima', opts)).toBe('qa');
    expect(parseChoice('una queja', opts)).toBe('q');
  });

  it('is undefined when a fragment fits two labels', () => {
    const opts = [
      { id: 'agua', label: 'Fuga de agua' },
      { id: 'drenaje', label: 'Fuga de drenaje' },
    ];
    expect(parseChoice('fuga', opts)).toBeUndefined();
    expect(parseChoice('drenaje', opts)).toBe('drenaje');
    expect(parseChoice('fuga de agua potable', opts)).toBe('agua');
  });

  it('reads yes/no buttons by label', () => {
    const opts = [
      { id: 'yes', label: 'Sí' },
      { id: 'no', label: 'No' },
    ];
    expect(parseChoice('si', opts)).toBe('yes');
    expect(parseChoice('NO', opts)).toBe('no');
  });

  it('ignores labels decorated with emoji', () => {
    const opts = [
      { id: 'foto', label: '📷 Enviar foto' },
      { id: 'omitir', label: '⏭️ Omitir' },
    ];
    expect(parseChoice('omitir', opts)).toBe('omitir');
    expect(parseChoice('enviar foto', opts)).toBe('foto');
  });

  it('has no options to pick from', () => {
    expect(parseChoice('1', [])).toBeUndefined();
  });
});

describe('extractPhone', () => {
  it.each([
    ['5512345678', '5512345678'],
    ['55 1234 5678', '5512345678'],
    ['(55) 1234-5678', '5512345678'],
    ['+52 1 55 1234 5678', '+5215512345678'],
    ['cel 311-123-45-67', '3111234567'],
    ['+54 9 11 2345-6789', '+5491123456789'],
    ['0991234567', '0991234567'],
    ['mi número es 55.1234.5678 gracias', '5512345678'],
    ['Tel: 2222-3333', '22223333'],
    ['whatsapp +57 300 123 4567', '+573001234567'],
    ['llámame al 4421234567.', '4421234567'],
    ['Folio AC-2026-000123, mi cel 5512345678', '5512345678'],
    ['vivo en Hidalgo 123 y mi teléfono es 33 1234 5678', '3312345678'],
    ['+ 51 987 654 321', '+51987654321'],
    ['5512345678 o 5587654321', '5512345678'],
    ['5512345678 5587654321', '5512345678'],
    ['tel.5512345678', '5512345678'],
  ])('"%s" → %s', (text, expected) => {
    expect(extractPhone(text)).toBe(expected);
  });

  it.each([
    '',
    'AC-2026-000123',
    'mi folio es ac 2026 000123',
    'folio 2026000123',
    'ac2026000123',
    'Hidalgo 123',
    'calle Hidalgo 123, col. Centro, CP 06000',
    'desde 2024',
    'del 2020 al 2024',
    '2020 2024',
    'el 12-05-2024 pasó',
    '2024-05-12',
    '15.000.000 de pesos',
    '$ 12345678',
    '19.432608, -99.133209',
    '1234567',
    'cuenta 1234567890',
    'ABC12345678',
    '12345678XYZ',
    'número de folio: AC-2026-000123',
    '1234567890123456789',
  ])('"%s" has no phone', (text) => {
    expect(extractPhone(text)).toBeUndefined();
  });
});

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

  it.each(['', 'juan@', '@example.com', 'juan@example', 'juan at example.com', 'juan@@example.com', 'a@b.c', 'juan..perez@example.com', 'sígueme en @municipio'])(
    '"%s" has no e-mail',
    (text) => {
      expect(extractEmail(text)).toBeUndefined();
    },
  );
});

describe('extractFolio', () => {
  it.each([
    ['AC-2026-000123', 'AC-2026-000123'],
    ['mi folio es AC-2026-000123.', 'AC-2026-000123'],
    ['ac 2026 123', 'AC-2026-000123'],
    ['AC-2026-123', 'AC-2026-000123'],
    ['ac2026000123', 'AC-2026-000123'],
    ['Ac 2026-45', 'AC-2026-000045'],
    ['folio: AC_2026_000999', 'AC-2026-000999'],
    ['folio 2026-000123', 'AC-2026-000123'],
    ['Folio No. 2026-7', 'AC-2026-000007'],
    ['quiero saber de mi reporte AC-2025-999999 por favor', 'AC-2025-999999'],
  ])('"%s" → %s', (text, expected) => {
    expect(extractFolio(text)).toBe(expected);
  });

  it.each(['', 'AC-26-000123', 'BAC-2026-000123', 'AC-2026-0001234', 'AC-2026-000000', 'mi reporte del 2026', 'acuerdo 2026 123', '2026-000123'])(
    '"%s" has no folio',
    (text) => {
      expect(extractFolio(text)).toBeUndefined();
    },
  );

  it('uses the given prefix', () => {
    expect(extractFolio('sac 2026 12', 'SAC')).toBe('SAC-2026-000012');
    expect(extractFolio('AC-2026-000123', 'SAC')).toBeUndefined();
    expect(extractFolio('folio 2026-5', 'q+')).toBe('Q+-2026-000005');
  });
});

describe('extractAddress', () => {
  it.each([
    ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'calle Hidalgo 123'],
    ['calle Hidalgo #123', 'calle Hidalgo #123'],
    ['Calle Hidalgo No. 45, col. Centro', 'Calle Hidalgo No. 45, col. Centro'],
    ['en la Av. Juárez esquina con 5 de Mayo no sirve la lámpara', 'Av. Juárez esquina con 5 de Mayo'],
    ['av juarez y 5 de mayo', 'av juarez y 5 de mayo'],
    ['vivo en calle morelos s/n col. centro y hay fuga', 'calle morelos s/n col. centro'],
    ['Blvd. Díaz Ordaz 300 entre Juárez y Morelos', 'Blvd. Díaz Ordaz 300 entre Juárez y Morelos'],
    ['sobre la avenida de los Insurgentes número 45 desde ayer', 'avenida de los Insurgentes número 45'],
    ['Carrera 7 # 45-10 barrio Chapinero', 'Carrera 7 # 45-10 barrio Chapinero'],
    ['la basura en el Jr. Puno 123, Lima', 'Jr. Puno 123'],
    ['prolongación Zaragoza 45-B que no tiene luz', 'prolongación Zaragoza 45-B'],
    ['Calzada de Tlalpan 1500 porque ya van tres días', 'Calzada de Tlalpan 1500'],
    ['callejón del Beso 8, fraccionamiento Las Flores', 'callejón del Beso 8, fraccionamiento Las Flores'],
    ['privada Los Pinos 12 sector 5', 'privada Los Pinos 12 sector 5'],
    ['en la calle Hidalgo. Desde hace días hay fuga', 'calle Hidalgo'],
    ['CALLE HIDALGO 123 COL CENTRO', 'CALLE HIDALGO 123 COL CENTRO'],
    ['la calle Hidalgo está llena de basura', 'calle Hidalgo'],
    ['calle Hidalgo lleno de basura', 'calle Hidalgo'],
    ['calle 10 de la colonia Centro', 'calle 10 de la colonia Centro'],
    ['c. Allende 23 esq. Abasolo', 'c. Allende 23 esq. Abasolo'],
    ['camino a San Pedro km 3', 'camino a San Pedro km 3'],
    ['andador 5 mz 4 lt 12', 'andador 5 mz 4 lt 12'],
    ['pasaje Santa Rosa 220 y hay mucha basura', 'pasaje Santa Rosa 220'],
    ['Calle Benito Juárez 45 casi esquina con Allende', 'Calle Benito Juárez 45 casi esquina con Allende'],
    ['en la calle benito juarez 45 que esta oscura', 'calle benito juarez 45'],
    ['bulevar Kukulcán km 12.5', 'bulevar Kukulcán km 12'],
    ['Blvd. Adolfo López Mateos 1200 Pte. a la altura del Oxxo', 'Blvd. Adolfo López Mateos 1200 Pte.'],
    ['La fuga está en Av. Insurgentes Sur 1234, esquina con Río Mixcoac, colonia Del Valle', 'Av. Insurgentes Sur 1234, esquina con Río Mixcoac, colonia Del Valle'],
    ['calle Zaragoza número 12 del barrio San Juan', 'calle Zaragoza número 12 del barrio San Juan'],
    ['Avenida 16 de Septiembre 45 Int. 3', 'Avenida 16 de Septiembre 45 Int. 3'],
    ['Calle Hidalgo y Morelos', 'Calle Hidalgo y Morelos'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text)).toBe(expected);
  });

  it.each([
    '',
    'frente al mercado municipal',
    'cerca de la escuela primaria',
    'Hidalgo 123',
    'la calle está llena de basura',
    'en la calle de enfrente',
    'una carrera de autos',
    'es propiedad privada de la empresa',
    'en el camino se cayó',
    'hola',
    'no sé',
    'calle',
  ])('"%s" has no street address', (text) => {
    expect(extractAddress(text)).toBeUndefined();
  });
});

describe('looksLikeAddress', () => {
  it.each([
    'Hidalgo 123',
    'av juarez y 5 de mayo',
    'col. centro, calle morelos s/n',
    'esquina de reforma con insurgentes',
    'cerca del mercado',
    'frente a la escuela primaria',
    'Morelos #45',
    'a dos cuadras de la iglesia',
    'calle Hidalgo',
    'colonia Centro',
    'no sé, atrás de la presidencia',
    'Allende s/n',
    'entre Juárez y Morelos',
  ])('"%s" looks like a place', (text) => {
    expect(looksLikeAddress(text)).toBe(true);
  });

  it.each(['no sé', 'hola', 'sí', '', '   ', 'no', 'gracias', 'cerca', 'hace 3 días', '5512345678', 'ok 👍', 'entre semana'])(
    '"%s" does not',
    (text) => {
      expect(looksLikeAddress(text)).toBe(false);
    },
  );
});

describe('extractName', () => {
  it.each([
    ['me llamo Juan Pérez', 'Juan Pérez'],
    ['Hola, me llamo juan pérez y quiero reportar un bache', 'Juan Pérez'],
    ['soy María de los Ángeles López', 'María de los Ángeles López'],
    ['mi nombre es pedro ramirez', 'Pedro Ramirez'],
    ['MI NOMBRE ES PEDRO RAMIREZ', 'Pedro Ramirez'],
    ['Buenas tardes, soy Ana. Les escribo por la fuga', 'Ana'],
    ['quiero reportar un bache, me llamo Luis Gómez', 'Luis Gómez'],
    ['Atentamente, Rosa Elena Martínez', 'Rosa Elena Martínez'],
    ['me llamo José Luis Ruiz-Tagle', 'José Luis Ruiz-Tagle'],
    ['soy el Lic. Ramón Torres', 'Ramón Torres'],
    ['me llamo Juan Pérez 5512345678', 'Juan Pérez'],
    ['Nombre: Carla Soto', 'Carla Soto'],
    ['hola soy carlos', 'Carlos'],
    ['me llamo juan perez les escribo por la fuga', 'Juan Perez'],
    ['me llamo Juan y quiero reportar', 'Juan'],
    ['Les habla Roberto Gómez', 'Roberto Gómez'],
    ['soy la señora Martha Díaz', 'Martha Díaz'],
  ])('"%s" → %s', (text, expected) => {
    expect(extractName(text)).toBe(expected);
  });

  it.each([
    'Juan Pérez',
    'hola',
    'soy vecino de la colonia Centro',
    'soy de aquí',
    'el nombre de la calle es Hidalgo',
    'Soy nueva aquí',
    'me llamo',
    'soy yo',
  ])('"%s" has no introduced name', (text) => {
    expect(extractName(text)).toBeUndefined();
  });

  it.each([
    ['Juan Pérez', 'Juan Pérez'],
    ['juan pérez', 'Juan Pérez'],
    ['PEDRO RAMIREZ', 'Pedro Ramirez'],
    ['María de los Ángeles López', 'María de los Ángeles López'],
    ['maria de los angeles lopez', 'Maria de los Angeles Lopez'],
    ['Juan Pérez 5512345678', 'Juan Pérez'],
    ['Juan Pérez, cel 55 1234 5678', 'Juan Pérez'],
    ['Juan Pérez juan@example.com', 'Juan Pérez'],
    ['Juan Pérez y mi cel es 5512345678', 'Juan Pérez'],
    ['Buenas tardes, Ana López', 'Ana López'],
    ['Ana.', 'Ana'],
    ['Juan P.', 'Juan P.'],
    ['me llamo Sofía', 'Sofía'],
    ['De la Cruz Hernández', 'De la Cruz Hernández'],
    ['McDonald', 'McDonald'],
    ['C. Juan Pérez', 'Juan Pérez'],
    ['José María de la Fuente y Sánchez', 'José María de la Fuente y Sánchez'],
    ['Pedro, gracias', 'Pedro'],
  ])('whole answer "%s" → %s', (text, expected) => {
    expect(extractName(text, { wholeAnswer: true })).toBe(expected);
  });

  it.each([
    '', 'no', 'sí', 'si', 'hola', 'no quiero', 'para que', 'para qué?', '12345', '5512345678', 'prefiero no decirlo',
    'anónimo', 'ok', 'Juan Pérez López García Hernández Ruiz', 'Juan Pérez vive en la calle Hidalgo', 'J',
    'buenos días', '¿para qué lo quieren?', 'no gracias',
  ])('whole answer "%s" is not a name', (text) => {
    expect(extractName(text, { wholeAnswer: true })).toBeUndefined();
  });
});

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
    expect(typeof matchesAny(text, ['hablar con una persona', 'cancel*', 'hola'])).toBe('boolean');
  });
});
