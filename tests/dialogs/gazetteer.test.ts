import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Gazetteer, GazetteerError, loadGazetteer, parseGazetteer } from '../../src/dialogs/gazetteer.js';

const EXAMPLE = new URL('../../docs/examples/gazetteer.example.json', import.meta.url).pathname;
const gazetteer = loadGazetteer(EXAMPLE);

describe('gazetteer files', () => {
  it('loads the example, with every list and the version', () => {
    expect(gazetteer.version).toBe(1);
    expect(gazetteer.streets).toContain('Insurgentes');
    expect(gazetteer.colonies).toContain('Benito Juárez');
    expect(gazetteer.landmarks).toContain('Mercado Hidalgo');
  });

  it('takes any one list alone', () => {
    expect(parseGazetteer({ colonies: ['Las Palmas'] })).toEqual({ version: 1, streets: [], colonies: ['Las Palmas'], landmarks: [] });
  });

  it.each([
    [{}, /lists no street, colony or landmark/],
    [{ streets: [] }, /lists no street, colony or landmark/],
    [{ colonias: ['Centro'] }, /colonias/],
    [{ streets: 'Insurgentes' }, /streets/],
    [{ streets: ['Insurgentes', 'X'] }, /streets\.1/],
    [{ streets: ['  12  '] }, /two letters/],
    [{ version: 2, streets: ['Insurgentes'] }, /version/],
    [[], /root/],
  ])('rejects %j, saying where', (json, message) => {
    expect(Gazetteer.safeParse(json).success).toBe(false);
    expect(() => parseGazetteer(json, 'gazetteer test.json')).toThrow(GazetteerError);
    expect(() => parseGazetteer(json, 'gazetteer test.json')).toThrow(message);
  });

  it('names the file it could not read or parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gazetteer-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "streets": [');
    expect(() => loadGazetteer(broken)).toThrow(GazetteerError);
    expect(() => loadGazetteer(broken)).toThrow(/broken\.json could not be read/);
    expect(() => loadGazetteer(join(dir, 'missing.json'))).toThrow(/missing\.json could not be read/);
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ streets: [1] }));
    expect(() => loadGazetteer(invalid)).toThrow(/invalid\.json is not valid:\n {2}streets\.0/);
  });
});
