import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callbacks, cases } from '../../src/db/schema.js';
import { advancingClock, createTestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { signIn, xlsx } from './helpers.js';

// 10,000 rows on a PostgreSQL server (about 70 rows/s on two shared cores); the embedded database,
// on the test's own thread, takes about 17 rows/s, so its run keeps to 1,000 (IMPORT_ROWS overrides).
const ROWS = Number(process.env.IMPORT_ROWS ?? (databaseKind === 'postgres' ? 10_000 : 1_000));
const MATTERS = [
  'Hay un bache enorme en la calle',
  'No hay alumbrado público en la calle',
  'No pasa el camión de la basura por la calle',
  'Fuga de agua potable en la calle',
  'Árbol caído en el parque de la calle',
];

describe(`a year's spreadsheet: ${ROWS.toLocaleString('en')} rows, on ${databaseKind}`, () => {
  it('is answered at once and worked in batches by the queue, the progress growing until done', { timeout: 900_000 }, async () => {
    const app = await createTestApp({ now: advancingClock() });
    try {
      const admin = await signIn(app);
      const rows: unknown[][] = [['Nombre', 'Teléfono', 'Descripción', 'Red social']];
      for (let i = 0; i < ROWS; i++)
        rows.push([
          `Ciudadano ${i}`,
          `311 ${String(1_000_000 + i).slice(0, 3)} ${String(i).padStart(4, '0')}`,
          `${MATTERS[i % 5]} ${i}`,
          'Facebook',
        ]);
      const file = await xlsx(rows);

      const started = performance.now();
      const accepted = await admin.upload('anual.xlsx', file);
      const answeredMs = performance.now() - started;
      expect(accepted.statusCode).toBe(202);
      await app.start();

      const seen: number[] = [];
      let report: { status: string; processed: number; imported: number };
      for (;;) {
        report = (await admin.get(`/api/staff/imports/${accepted.json().id}`)).json();
        if (seen.at(-1) !== report.processed) seen.push(report.processed);
        if (report.status !== 'running') break;
        // A short pause between polls; the loop ends on the condition (done), not after a set time.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const totalMs = performance.now() - started;
      expect(report).toMatchObject({ status: 'done', processed: ROWS, imported: ROWS });
      // Progress was seen between the start and the end, and only ever grew.
      expect(seen.filter((p) => p > 0 && p < ROWS).length).toBeGreaterThan(3);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      const [opened] = await app.database.db.select({ n: count() }).from(cases).where(eq(cases.channel, 'redes'));
      expect(Number(opened!.n)).toBe(ROWS);
      const [calls] = await app.database.db.select({ n: count() }).from(callbacks);
      expect(Number(calls!.n)).toBe(ROWS);
      console.log(
        `import of ${ROWS} rows on ${databaseKind}: file ${(file.byteLength / 1024).toFixed(0)} KB, 202 after ${answeredMs.toFixed(0)} ms, done after ${(totalMs / 1000).toFixed(1)} s (${((ROWS / totalMs) * 1000).toFixed(0)} rows/s), ${seen.length} progress values seen`,
      );
    } finally {
      await app.close();
    }
  });
});
