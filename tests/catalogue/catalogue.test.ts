import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogueError, createCatalogueSearch, loadCatalogue } from '../../src/catalogue/catalogue.js';
import { loadConfig } from '../../src/config.js';
import { sourceAsset } from '../../src/paths.js';
import { loadDefaultMunicipality } from '../../src/seed/seed.js';

const catalogue = loadCatalogue();
const search = createCatalogueSearch(catalogue);
const found = (text: string) => search.find(text)?.procedure.id;
const dir = mkdtempSync(join(tmpdir(), 'ventanilla-catalogue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the default catalogue of procedures', () => {
  it('has a dozen procedures, each with requirements, cost, place, hours, time and legal basis, in known categories', () => {
    expect(catalogue.procedures.length).toBeGreaterThanOrEqual(12);
    const codes = new Set(loadDefaultMunicipality().categories.map((c) => c.code));
    for (const p of catalogue.procedures) {
      expect(p.requirements.length, p.id).toBeGreaterThan(0);
      for (const field of [p.cost, p.where, p.hours, p.processingTime, p.legalBasis]) expect(field.length, p.id).toBeGreaterThan(3);
      expect(codes.has(p.category!), p.id).toBe(true);
    }
  });
});

describe('catalogue search', () => {
  it('finds procedures as citizens ask for them', () => {
    expect(found('¿dónde pago el predial?')).toBe('pago-predial');
    expect(found('¿a qué hora abren?')).toBe('horario-oficinas');
    expect(found('que necesito para sacar la licencia de funcionamiento?')).toBe('licencia-funcionamiento');
    expect(found('como saco una copia del acta de nacimiento')).toBe('acta-nacimiento');
    expect(found('se llevan un colchon viejo?')).toBe('recoleccion-voluminosos');
  });

  it('tolerates misspellings, missing accents and chat shorthand', () => {
    expect(found('donde pago el predail')).toBe('pago-predial');
    expect(found('qe nesecito pa la lisencia de funsionamiento')).toBe('licencia-funcionamiento');
    expect(found('KUANTO CUESTA LA LISENCIA DE MANEJO???')).toBe('licencia-conducir');
    expect(found('q papeles piden xa el permiso de construccion')).toBe('permiso-construccion');
  });

  it('understands synonyms from several countries', () => {
    expect(found('cuanto sale el catastro este año')).toBe('pago-predial');
    expect(found('quiero sacar mi brevete')).toBe('licencia-conducir');
    expect(found('como saco la constancia de domicilio')).toBe('constancia-residencia');
    expect(found('requisitos de la patente comercial')).toBe('licencia-funcionamiento');
    expect(found('donde vacunan a mi perro')).toBe('registro-mascotas');
    expect(found('a que hora atienden en la municipalidad')).toBe('horario-oficinas');
    expect(found('necesito que poden un arbol')).toBe('poda-arboles');
  });

  it('answers nothing when nothing fits, rather than the nearest sheet', () => {
    expect(found('hay un bache en mi calle')).toBeUndefined();
    expect(found('a que hora pasa el camion de la basura')).toBeUndefined();
    expect(found('me robaron el celular')).toBeUndefined();
    expect(found('hola')).toBeUndefined();
    expect(found('')).toBeUndefined();
  });
});

describe('a municipality catalogue file', () => {
  it('is read from CATALOGUE_FILE and validated with clear errors', () => {
    const path = join(dir, 'catalogo.json');
    const own = JSON.parse(readFileSync(sourceAsset('seed', 'catalogue.es.json'), 'utf8'));
    own.procedures = [{ ...own.procedures[0], id: 'predial-2027', name: 'Predial 2027 con descuento' }];
    writeFileSync(path, JSON.stringify(own));
    const config = loadConfig({ CATALOGUE_FILE: path });
    expect(config.cataloguePath).toBe(path);
    expect(createCatalogueSearch(loadCatalogue(config.cataloguePath)).find('donde pago el predial')?.procedure.id).toBe('predial-2027');

    own.procedures.push({ ...own.procedures[0] });
    own.procedures[0].requirements = [];
    writeFileSync(path, JSON.stringify(own));
    expect(() => loadCatalogue(path)).toThrow(CatalogueError);
    expect(() => loadCatalogue(path)).toThrow(/procedures\.0\.requirements[\s\S]*"predial-2027" appears twice/);
    expect(() => loadCatalogue(join(dir, 'missing.json'))).toThrow(/could not be read/);
  });
});
