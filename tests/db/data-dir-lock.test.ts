import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUse, lockDataDir } from '../../src/db/data-dir-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'ventanilla-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the embedded database folder', () => {
  it('belongs to one process at a time', async () => {
    // Another live process owns the folder.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    writeFileSync(join(dir, 'ventanilla.pid'), String(other.pid));
    try {
      expect(() => lockDataDir(dir)).toThrow(DataDirInUse);
      expect(() => lockDataDir(dir)).toThrow(/DATABASE_URL/);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Its owner died without cleaning up (a crash): the folder is taken over.
    const unlock = lockDataDir(dir);
    expect(readFileSync(join(dir, 'ventanilla.pid'), 'utf8')).toBe(String(process.pid));
    unlock();
    expect(existsSync(join(dir, 'ventanilla.pid'))).toBe(false);
  });
});
