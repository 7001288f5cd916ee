import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAddress, looksLikeAddress } from '../../src/dialogs/parsers/address.js';
import { GazetteerError } from '../../src/places/gazetteer.js';
import { gazetteerNames, loadGazetteerCsv, parseGazetteerCsv } from '../../src/places/gazetteer-csv.js';
import { loadGazetteerFile } from '../../src/places/gazetteer-file.js';

const EXAMPLE = new URL('../../docs/examples/gazetteer.example.csv', import.meta.url).pathname;
const JSON_EXAMPLE = new URL('../../docs/examples/gazetteer.example.json', import.meta.url).pathname;

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GazetteerError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('the CSV gazetteer', () => {
  it('reads the example: streets by their segments, colonies and landmarks with coordinates', () => {
    const g = loadGazetteerCsv(EXAMPLE);
    expect(g.streets.length).toBeGreaterThanOrEqual(15);
    expect(g.colonies).toHaveLength(6);
    expect(g.landmarks.length).toBeGreaterThanOrEqual(6);
    const hidalgo = g.streets.find((s) => s.name === 'Hidalgo');
    expect(hidalgo?.segments.map((s) => [s.colony, s.from, s.to])).toEqual([
      ['Centro', 1, 599],
      ['Las Palmas', 600, 1199],
    ]);
    for (const p of [...g.colonies, ...g.landmarks].map((x) => x.point)) {
      expect(p.lat).toBeGreaterThan(26.9);
      expect(p.lat).toBeLessThan(27.2);
      expect(p.lon).toBeGreaterThan(-109.5);
      expect(p.lon).toBeLessThan(-109.3);
    }
  });

  it('finds its columns by header, in English too, in any order, with other columns beside them', () => {
    const g = parseGazetteerCsv(
      [
        'Notes,Kind,Name,Colony,From,To,Lat From,Lng From,Lat To,Lng To,Latitude,Longitude',
        'main road,street,Hidalgo,Centro,1,99,27.0,-109.4,27.001,-109.4,,',
        ',colony,Centro,,,,,,,,"27,0005",-109.4',
        ',landmark,Plaza de Armas,Centro,,,,,,,27.0003,-109.4001',
      ].join('\n'),
    );
    expect(g.streets[0]?.segments[0]).toMatchObject({
      colony: 'Centro',
      from: 1,
      to: 99,
      start: { lat: 27, lon: -109.4 },
      end: { lat: 27.001 },
    });
    expect(g.colonies[0]?.point).toEqual({ lat: 27.0005, lon: -109.4 });
    expect(g.landmarks[0]).toMatchObject({ name: 'Plaza de Armas', colony: 'Centro', line: 4 });
  });

  it('takes a street given by one point', () => {
    const g = parseGazetteerCsv('tipo,nombre,lat,lon\ncalle,Callejón del Beso,27.07,-109.44');
    expect(g.streets[0]?.segments[0]).toMatchObject({ start: { lat: 27.07, lon: -109.44 }, end: { lat: 27.07, lon: -109.44 } });
  });

  it('tells every bad row by its line and column', () => {
    const message = errorOf(() =>
      parseGazetteerCsv(
        [
          'tipo,nombre,colonia,desde,hasta,lat,lon,lat_desde,lon_desde,lat_hasta,lon_hasta',
          'calle,Hidalgo,Centro,1,599,,,27.06,-109.44,27.07,-109.44',
          'avenida,Juárez,Centro,,,27.07,-109.44,,,,',
          'calle,Morelos,Centro,600,100,,,27.06,-109.43,27.07,-109.43',
          '',
          'colonia,Las Palmas,,,,27.08,,,,,',
          'referencia,Mercado,Centro,,,norte,-109.44,,,,',
          'calle,Allende,Centro,1,599,,,27.06,-109.45,,',
          '"calle","Hidalgo","Centro",500,700,,,27.07,-109.44,27.08,-109.44',
          'colonia,Centro,,,,27.07,-109.44,,,,',
          'colonia,Centro,,,,27.07,-109.44,,,,',
          'calle,Guerrero,Centro,1,,27.07,-109.44,,,,',
          'calle,X,,,,27.07,-109.44,,,,',
          'calle,Zaragoza,,,,,,,,,',
        ].join('\n'),
        'gazetteer test.csv',
      ),
    );
    expect(message).toMatch(/^gazetteer test\.csv is not valid:\n/);
    expect(message).toContain('line 3, tipo: calle, colonia o referencia');
    expect(message).toContain('line 4, hasta: hasta (100) is below desde (600)');
    expect(message).toContain('line 6, lon: lat and lon go together');
    expect(message).toContain('line 7, lat: a latitude in degrees');
    expect(message).toContain("line 8, lat_desde: a segment's ends need all of");
    expect(message).toContain('line 9: numbers 500–700 of "Hidalgo" overlap 1–599 on line 2');
    expect(message).toContain('line 11: "Centro" is already on line 10');
    expect(message).toContain('line 12, hasta: desde and hasta go together');
    expect(message).toContain('line 13, nombre: a place name needs at least two letters');
    expect(message).toContain('line 14, lat: a street needs lat and lon, or its ends');
    expect(message).not.toMatch(/^ {2}line 2[,:]/m);
  });

  it('counts lines past a quoted field that spans two', () => {
    const message = errorOf(() =>
      parseGazetteerCsv('tipo,nombre,lat,lon,notas\ncolonia,Centro,27,-109,"one\ntwo"\ncolonia,Palmas,x,-109,'),
    );
    expect(message).toContain('line 4, lat:');
  });

  it('says what is missing from the header, and that an empty file is empty', () => {
    expect(errorOf(() => parseGazetteerCsv('nombre,lat,lon\nCentro,27,-109'))).toContain('line 1: no "tipo" (kind) column');
    expect(errorOf(() => parseGazetteerCsv('tipo,nombre,lat,lon,latitud\n'))).toContain('columns "lat" and "latitud" say the same');
    expect(errorOf(() => parseGazetteerCsv(''))).toContain('the file is empty');
    expect(errorOf(() => parseGazetteerCsv('tipo,nombre,lat,lon\n'))).toContain('lists no street, colony or landmark');
  });

  it('gives the dialog its names: every street, colony and landmark once', () => {
    const names = gazetteerNames(loadGazetteerCsv(EXAMPLE));
    expect(names.streets).toContain('Hidalgo');
    expect(names.streets.filter((s) => s === 'Hidalgo')).toHaveLength(1);
    expect(names.colonies).toEqual(expect.arrayContaining(['Centro', 'Las Palmas', 'Fracc. Los Olivos']));
    expect(names.landmarks).toContain('Mercado Hidalgo');
    const withNames = { gazetteer: names };
    expect(looksLikeAddress('las palmas', undefined, withNames)).toBe(true);
    expect(extractAddress('hay un bache sobre Independencia desde hace un mes', undefined, withNames)).toBe('Independencia');
  });
});

describe('GAZETTEER_FILE', () => {
  it('reads a JSON file as names only and a CSV file as names and coordinates', () => {
    const json = loadGazetteerFile(JSON_EXAMPLE);
    expect(json.located).toBeUndefined();
    expect(json.names.streets).toContain('Insurgentes');
    const csv = loadGazetteerFile(EXAMPLE);
    expect(csv.located?.streets.length).toBeGreaterThan(0);
    expect(csv.names.streets).toContain('Madero');
  });

  it('refuses another kind of file and tells a missing one by its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gazetteer-'));
    const txt = join(dir, 'names.txt');
    writeFileSync(txt, 'Hidalgo');
    expect(() => loadGazetteerFile(txt)).toThrow(/a \.json \(names\) or \.csv/);
    expect(() => loadGazetteerFile(join(dir, 'missing.csv'))).toThrow(/missing\.csv could not be read/);
  });
});
