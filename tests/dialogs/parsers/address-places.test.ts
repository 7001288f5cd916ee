import { describe, expect, it } from 'vitest';
import { extractAddress, looksLikeAddress } from '../../../src/dialogs/parsers/address.js';

// Places as citizens give them in a first message, without a street type: on real messages, 8 of
// 19 reports were asked "¿Dónde es?" for a place they had already written.

describe('extractAddress finds corners and blocks', () => {
  it.each([
    ['en la esquina de Juárez y Allende', 'esquina de Juárez y Allende'],
    ['Hay un bache en la esquina de Juárez y Allende desde el lunes', 'esquina de Juárez y Allende'],
    ['en la esquina de juarez y allende', 'esquina de juarez y allende'],
    ['Juárez y Allende', 'Juárez y Allende'],
    ['Bache enorme en Juárez y Allende', 'Juárez y Allende'],
    ['Juárez y Allende, hay un bache', 'Juárez y Allende'],
    ['Hidalgo esq. Morelos', 'Hidalgo esq. Morelos'],
    ['no hay luz en Hidalgo esq. Morelos', 'Hidalgo esq. Morelos'],
    ['hidalgo esq. morelos', 'hidalgo esq. morelos'],
    ['Insurgentes casi esquina con Reforma', 'Insurgentes casi esquina con Reforma'],
    ['Nuestra Señora de Guadalupe esquina con Hidalgo', 'Nuestra Señora de Guadalupe esquina con Hidalgo'],
    ['sobre Madero entre Zaragoza y Guerrero', 'Madero entre Zaragoza y Guerrero'],
    ['sobre madero entre zaragoza y guerrero', 'madero entre zaragoza y guerrero'],
    ['la fuga está entre Zaragoza y Guerrero', 'entre Zaragoza y Guerrero'],
    ['calle 5 de mayo casi esquina con Reforma', 'calle 5 de mayo casi esquina con Reforma'],
    ['en 5 de Mayo y Reforma', '5 de Mayo y Reforma'],
    ['La luminaria de la esquina de Av. Juárez y Morelos está apagada', 'esquina de Av. Juárez y Morelos'],
    ['en Corrientes y Callao', 'Corrientes y Callao'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text)).toBe(expected);
  });
});

describe('extractAddress finds landmarks, with the reference that places them', () => {
  it.each([
    ['frente al kinder Benito Juárez en la colonia centro', 'frente al kinder Benito Juárez en la colonia centro'],
    ['No hay luz frente al kinder Benito Juárez en la colonia centro', 'frente al kinder Benito Juárez en la colonia centro'],
    ['a un lado de la iglesia de San José', 'a un lado de la iglesia de San José'],
    ['tiran basura atrás del mercado municipal', 'atrás del mercado municipal'],
    ['atrás del mercado municipal', 'atrás del mercado municipal'],
    ['frente al mercado municipal', 'frente al mercado municipal'],
    ['cerca de la escuela primaria', 'cerca de la escuela primaria'],
    ['FRENTE AL MERCADO MUNICIPAL', 'FRENTE AL MERCADO MUNICIPAL'],
    ['hay un poste caído a la altura de la gasolinera', 'a la altura de la gasolinera'],
    ['cerca de la secundaria técnica 12', 'cerca de la secundaria técnica 12'],
    ['El bache está a dos cuadras de la presidencia', 'a dos cuadras de la presidencia'],
    ['a media cuadra de la iglesia', 'a media cuadra de la iglesia'],
    ['a 50 metros del puente', 'a 50 metros del puente'],
    ['junto al Oxxo de la Juárez hay un bache', 'junto al Oxxo de la Juárez'],
    ['enfrente del Soriana', 'enfrente del Soriana'],
    ['a lado del Oxxo hay un foco fundido', 'a lado del Oxxo'],
    ['enfrente de la tienda de don Pepe hay basura', 'enfrente de la tienda de don Pepe'],
    ['frente a la tienda del Sr. Pérez', 'frente a la tienda del Sr. Pérez'],
    ['detrás de la clínica del IMSS', 'detrás de la clínica del IMSS'],
    ['rumbo al panteón', 'rumbo al panteón'],
    ['pasando el puente hay un hoyo', 'pasando el puente'],
    ['afuera de la escuela Niños Héroes', 'afuera de la escuela Niños Héroes'],
    ['frente a la gasolinera de la salida a Monterrey', 'frente a la gasolinera de la salida a Monterrey'],
    ['Hay basura en el parque de la colonia Juárez desde hace una semana', 'parque de la colonia Juárez'],
    ['parque de la colonia Juárez', 'parque de la colonia Juárez'],
    ['no sirve el alumbrado en el parque Hidalgo', 'parque Hidalgo'],
    ['la lámpara de la plaza principal está fundida', 'plaza principal'],
    ['en la plaza del pueblo', 'plaza del pueblo'],
    ['en el jardín de niños Benito Juárez', 'jardín de niños Benito Juárez'],
    ['en el Centro de Salud', 'Centro de Salud'],
    ['en la escuela 5 de Mayo', 'escuela 5 de Mayo'],
    ['en la salida a Monterrey', 'salida a Monterrey'],
    ['cerca del Centro', 'cerca del Centro'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text)).toBe(expected);
  });
});

describe('extractAddress finds colonies, avenues and kilometre markers', () => {
  it.each([
    ['col. Centro', 'col. Centro'],
    ['se fue la luz en la col. Centro', 'col. Centro'],
    ['en el fracc. Las Palmas', 'fracc. Las Palmas'],
    ['barrio de San Juan', 'barrio de San Juan'],
    ['barrio de Palermo', 'barrio de Palermo'],
    ['la Zona Norte', 'Zona Norte'],
    ['El camión no pasa por la Zona Norte', 'Zona Norte'],
    ['Hay mucha basura en la zona centro', 'zona centro'],
    ['Buenas tardes, quiero reportar que en la colonia Las Flores no hay agua', 'colonia Las Flores'],
    ['Les escribo desde la colonia Reforma', 'colonia Reforma'],
    ['en la comunidad de San Isidro no hay agua', 'comunidad de San Isidro'],
    ['ejido El Refugio', 'ejido El Refugio'],
    ['en la ranchería Los Pinos', 'ranchería Los Pinos'],
    ['en el centro histórico', 'centro histórico'],
    ['el bulevar Colosio a la altura de la gasolinera', 'bulevar Colosio'],
    ['blvd. Díaz Ordaz', 'blvd. Díaz Ordaz'],
    ['Av. Universidad 300', 'Av. Universidad 300'],
    ['periférico sur', 'periférico sur'],
    ['carretera a Saltillo km 12', 'carretera a Saltillo km 12'],
    ['en el km 4.5 de la carretera federal 57', 'km 4.5 de la carretera federal 57'],
    ['hay un choque en el kilómetro 30', 'kilómetro 30'],
    ['calle Mayor nº 3', 'calle Mayor nº 3'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text)).toBe(expected);
  });
});

describe('extractAddress finds the office of a service complaint', () => {
  it.each([
    ['en la tesorería me trataron mal', 'tesorería'],
    ['Me cobraron de más en la tesorería municipal', 'tesorería municipal'],
    ['en ventanilla del registro civil', 'ventanilla del registro civil'],
    ['la ventanilla 3 del registro civil', 'ventanilla 3 del registro civil'],
    ['en las oficinas de catastro', 'oficinas de catastro'],
    ['me dijeron en catastro que no', 'catastro'],
    ['en el DIF', 'DIF'],
    ['en el área de cobro me trataron mal', 'área de cobro'],
    ['en la secretaría de salud', 'secretaría de salud'],
    ['quiero hablar con la dirección de obras públicas', 'dirección de obras públicas'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text)).toBe(expected);
  });
});

describe('extractAddress keeps a street over a landmark around it', () => {
  it.each([
    ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'calle Hidalgo 123'],
    ['frente al 123 de la calle Morelos', 'calle Morelos'],
    ['frente al mercado, en la calle Juárez 45', 'calle Juárez 45'],
    ['en la tesorería de la Av. Juárez 12', 'Av. Juárez 12'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text)).toBe(expected);
  });
});

describe('extractAddress finds no place in a description without one', () => {
  it.each([
    'no hay agua desde ayer',
    'tengo una queja',
    'el camión de la basura no pasó',
    'quiero hacer un reporte',
    'me atendieron mal',
    'Hola, buenas tardes',
    'en la mañana no pasó el camión',
    'en mi casa no hay luz',
    'al lado de mi casa hay basura',
    'cerca de las 5 de la tarde',
    'cerca de 100 personas',
    'frente a todos me gritaron',
    'a la altura de las circunstancias',
    'alrededor de las 8',
    'junto con mi esposa',
    'dentro de la casa',
    'fuera de horario',
    'desde el lunes no hay luz',
    'en Enero y Febrero no hubo agua',
    'en Semana Santa y Pascua',
    'lo reporté en Facebook y WhatsApp',
    'Juan y María me atendieron mal',
    'entre Juan y yo',
    'entre 2 y 3 días',
    'entre semana no pasa',
    'en la esquina de mi casa',
    'hay un bache en la esquina',
    'en mi calle',
    'en nuestra colonia',
    'en la colonia no hay agua',
    'en mi colonia nunca pasa el camión',
    'la colonia entera se quedó sin luz',
    'los vecinos de la colonia',
    'en la zona hay muchos robos',
    'en el centro de la calle hay un hoyo',
    'se fue la luz en todo el centro',
    'junto a la Sra. María vive un perro',
    'tengo la esperanza de que lo arreglen',
    'el perro de mi vecino ladra toda la noche',
    'la fuga de agua potable',
    'Está en Insurgentes',
    'Se podría instalar un semáforo en la esquina de la escuela?',
    'Quiero pagar el predial 2027',
    'Se requiere un dictamen de Protección Civil',
  ])('"%s"', (text) => {
    expect(extractAddress(text)).toBeUndefined();
  });

  // A bare noun after "en" names no one place; the dialog asks where, and the answer is kept.
  it.each([
    'Hay una fuga en la escuela',
    'en el parque hay basura',
    'en el oxxo',
    'en la escuela de mi hijo no hay agua',
    'el señor de la tienda tira basura',
  ])('"%s" leaves the question to the dialog', (text) => {
    expect(extractAddress(text)).toBeUndefined();
  });

  it.each([
    'el DIF no me atendió',
    'la señora del DIF me trató mal',
    'la cuenta del predial llegó mal',
    'quiero información sobre el predial',
    'información sobre la tesorería',
    'la secretaria me trató mal',
    'en la oficina me dijeron que volviera',
    'me mandaron de una oficina a otra',
    'vivo en el departamento 5',
  ])('"%s" mentions an office without being in one', (text) => {
    expect(extractAddress(text)).toBeUndefined();
  });
});

describe('looksLikeAddress accepts a place as the answer to "¿Dónde es?"', () => {
  it.each([
    'en la esquina de Juárez y Allende',
    'Juárez y Allende',
    'Hidalgo esq. Morelos',
    'sobre Madero entre Zaragoza y Guerrero',
    'calle 5 de mayo casi esquina con Reforma',
    'frente al kinder Benito Juárez en la colonia centro',
    'a un lado de la iglesia de San José',
    'atrás del mercado municipal',
    'a la altura de la gasolinera',
    'cerca de la secundaria técnica 12',
    'parque de la colonia Juárez',
    'en el fracc. Las Palmas',
    'barrio de San Juan',
    'la Zona Norte',
    'blvd. Díaz Ordaz',
    'periférico sur',
    'en el km 4.5 de la carretera federal 57',
    'en Corrientes y Callao',
    'en la plaza del pueblo',
    'la tesorería',
    'en la tesorería',
    'en el módulo de licencias',
    'en el DIF',
    'col. Centro',
    'Las Palmas',
    'San Juan',
    'Lomas del Valle',
    'el mercado',
    'en el parque',
    'la escuela',
    'el centro',
    'por el Soriana',
    'la Benito Juárez',
  ])('"%s"', (text) => {
    expect(looksLikeAddress(text)).toBe(true);
  });

  it.each([
    'ya te dije',
    'Ya te dije',
    'no sé',
    'No sé',
    'mañana',
    'Mañana',
    'tengo una queja',
    'Tengo una queja',
    'es que hay un bache enorme y nadie hace nada',
    'la verdad no sé',
    'ahí mismo',
    'Gracias',
    'Enero',
    'para qué quieres saber',
  ])('"%s" is not a place', (text) => {
    expect(looksLikeAddress(text)).toBe(false);
  });
});
