import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from '../../src/cli/eval.js';
import { packageRoot } from '../../src/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'ventanilla-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function evalFile(csv: string) {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, csv);
  let out = '';
  const result = runEval(path, (text) => (out += text));
  return { out, result };
}

describe('ventanilla eval', () => {
  it('prints accuracy, macro-F1, per-class precision and recall and the confusion matrix for a text,label file', () => {
    const { out, result } = evalFile(
      'text,label\n"Hay un bache enorme en la calle Juárez",reporte\n"¿qué necesito para la licencia de funcionamiento?",solicitud_informacion\n"seria bueno poner mas bancas en la plaza",sugerencia\n"Hay una fuga de agua en la esquina",queja\n',
    );
    // The last line is labelled wrong on purpose: a report, not a complaint.
    expect(result.type!.accuracy).toBeCloseTo(0.75);
    expect(result.category).toBeUndefined();
    expect(out).toContain('== tipo (4 mensajes) ==');
    expect(out).toMatch(/accuracy\s+75\.0%/);
    expect(out).toMatch(/macro-F1\s+\d+\.\d%/);
    expect(out).toMatch(/queja\s+0\.0%\s+0\.0%\s+0\.0%\s+1/);
    expect(out).toContain('matriz de confusión (filas: real, columnas: predicho)');
    const queja = result.type!.labels.indexOf('queja');
    const reporte = result.type!.labels.indexOf('reporte');
    expect(result.type!.confusion[queja]![reporte]).toBe(1);
  });

  it('takes category labels in text,label files and both in text,type,category files', () => {
    const categories = evalFile(
      'text,label\n"no pasó el camión de la basura",recoleccion-basura\n"se fundió la luminaria",alumbrado-publico\n',
    );
    expect(categories.result.type).toBeUndefined();
    expect(categories.result.category!.accuracy).toBe(1);
    const both = runEval(join(packageRoot, 'training', 'classifier', 'unseen.csv'), () => {});
    expect(both.type!.total).toBe(both.category!.total);
    expect(both.type!.total).toBeGreaterThan(50);
  });

  it('refuses a file with no labelled rows or unknown columns', () => {
    expect(() => evalFile('text,label\n')).toThrow(/no labelled rows/);
    expect(() => evalFile('mensaje,tipo\nhola,reporte\n')).toThrow(/text,label/);
  });
});
