import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBackupHeader } from '../../src/backup/backup.js';
import { BACKUP_JOB, nextBackupRun, scheduleNightlyBackup } from '../../src/backup/nightly.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

const dir = mkdtempSync(join(tmpdir(), 'ventanilla-nightly-'));
let clock = new Date('2026-03-10T16:00:00Z'); // 10:00 in Mexico City
let app: TestApp;
const settings = { dir, keep: 2, at: '03:00', timeZone: 'America/Mexico_City' };

beforeAll(async () => {
  app = await createTestApp({ env: { BACKUP_DIR: dir, BACKUP_KEEP: '2', BACKUP_AT: '03:00' }, now: () => clock });
  await scheduleNightlyBackup(app.database.db, settings, clock);
}, 120_000);
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the nightly backup', () => {
  it('runs at BACKUP_AT on the municipality’s clock', () => {
    expect(nextBackupRun(settings, clock).toISOString()).toBe('2026-03-11T09:00:00.000Z');
  });

  it('writes a backup at 03:00 and keeps only the last BACKUP_KEEP', { timeout: 300_000 }, async () => {
    // An older backup and a file that is not one of them: the first goes, the second stays.
    writeFileSync(join(dir, 'ventanilla-20260301-0300.backup'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await app.queue.runDue({ kinds: [BACKUP_JOB] });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'ventanilla-20260301-0300.backup']);

    clock = new Date('2026-03-11T09:00:30Z');
    await app.queue.runDue({ kinds: [BACKUP_JOB] });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'ventanilla-20260301-0300.backup', 'ventanilla-20260311-0300.backup']);
    const { manifest } = readBackupHeader(join(dir, 'ventanilla-20260311-0300.backup'));
    expect(manifest).toMatchObject({ kind: databaseKind, version: 'test' });

    clock = new Date('2026-03-12T09:00:30Z');
    await app.queue.runDue({ kinds: [BACKUP_JOB] });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'ventanilla-20260311-0300.backup', 'ventanilla-20260312-0300.backup']);
  });
});
