import { describe, expect, it } from 'vitest';
import { extractAddress, looksLikeAddress } from '../../../src/dialogs/parsers/address.js';

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
    ['bulevar Kukulcán km 12.5', 'bulevar Kukulcán km 12.5'],
    ['Blvd. Adolfo López Mateos 1200 Pte. a la altura del Oxxo', 'Blvd. Adolfo López Mateos 1200 Pte.'],
    [
      'La fuga está en Av. Insurgentes Sur 1234, esquina con Río Mixcoac, colonia Del Valle',
      'Av. Insurgentes Sur 1234, esquina con Río Mixcoac, colonia Del Valle',
    ],
    ['calle Zaragoza número 12 del barrio San Juan', 'calle Zaragoza número 12 del barrio San Juan'],
    ['Avenida 16 de Septiembre 45 Int. 3', 'Avenida 16 de Septiembre 45 Int. 3'],
    ['Calle Hidalgo y Morelos', 'Calle Hidalgo y Morelos'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text)).toBe(expected);
  });

  it.each([
    '',
    // A landmark with its reference ("frente al mercado municipal") is a place now: see address-places.test.ts.
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
