import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot();

/**
 * Data files (migrations, scripts, web assets) stay in `src/` and are read from there both
 * when running compiled code from `dist/` and when running TypeScript directly.
 */
export function sourceAsset(...segments: string[]): string {
  return join(packageRoot, 'src', ...segments);
}
