import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { auditLog, callbacks, cases } from '../../src/db/schema.js';
import { xlsx } from '../imports/helpers.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ventanilla-import-'));
const dataDir = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real command, as `npx ventanilla import …` runs it, on this test's own data folder. */
async function ventanilla(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    LOCALE: 'es',
    ADMIN_PASSWORD: 'contraseña-de-prueba-123',
  };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { env, timeout: 180_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('ventanilla import on an embedded database', () => {
  it('imports the sheet, prints progress on stderr and the summary as JSON on stdout; a second run counts duplicates', {
    timeout: 300_000,
  }, async () => {
    const file = join(dir, 'redes.xlsx');
    writeFileSync(
      file,
      await xlsx([
        ['Reporte de redes sociales'],
        ['Nombre', 'Whatsapp', 'Mensaje', 'Red social'],
        ['Ana', '311 123 4567', 'Hay un bache enorme en la calle Hidalgo', 'Facebook'],
        ['', '', '', 'X'],
        ['Luis', '33 1234 5678', 'No hay alumbrado en el parque central', 'Instagram'],
      ]),
    );
    const first = await ventanilla('import', file);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('3 de 3 filas: 2 importadas, 0 duplicadas, 1 con error');
    expect(JSON.parse(first.stdout)).toMatchObject({
      status: 'done',
      total: 3,
      processed: 3,
      imported: 2,
      duplicates: 0,
      failed: [{ row: 4, reason: 'sin descripción ni teléfono válido' }],
    });

    const again = await ventanilla('import', file);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'done', imported: 0, duplicates: 2 });

    const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pgdata') });
    try {
      const opened = await database.db.select().from(cases).where(eq(cases.channel, 'redes'));
      expect(opened).toHaveLength(2);
      expect(await database.db.select().from(callbacks)).toHaveLength(2);
      expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'import.created'))).toEqual([
        expect.objectContaining({ staffUserId: null }),
        expect.objectContaining({ staffUserId: null }),
      ]);
    } finally {
      await database.close();
    }
  });

  it('refuses a file that is not a spreadsheet or has no header, with a message and a non-zero exit', { timeout: 120_000 }, async () => {
    const notSheet = join(dir, 'foto.png');
    writeFileSync(notSheet, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    const refused = await ventanilla('import', notSheet);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no es una hoja de cálculo');
    expect(refused.stdout).toBe('');
    const headless = join(dir, 'sin-encabezado.csv');
    writeFileSync(headless, 'Ana,3111234567,Bache\n');
    const noHeader = await ventanilla('import', headless);
    expect(noHeader.code).toBe(1);
    expect(noHeader.stderr).toContain('encabezados');
    expect((await ventanilla('import')).code).toBe(2);
  });
});
