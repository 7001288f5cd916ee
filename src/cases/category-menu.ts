import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { categories } from '../db/schema.js';

export interface CategoryChoice {
  code: string;
  name: string;
}

/** Bumped by every write to the categories in this process, so its own menus refresh at once. */
let version = 0;

/** Call after changing categories: this process's menus are read again on their next turn. */
export function categoriesChanged(): void {
  version += 1;
}

/**
 * The active categories a dialog offers, read once and kept: they change a few times a year and
 * were re-read on every turn. A change made here shows at once; one made by another instance
 * shows within `ttlMs`.
 */
export function createCategoryMenu(ttlMs = 5_000, clock: () => number = Date.now) {
  let cached: { at: number; version: number; rows: CategoryChoice[] } | undefined;
  return async function activeCategories(ex: Executor): Promise<CategoryChoice[]> {
    const now = clock();
    if (cached && cached.version === version && now - cached.at < ttlMs) return cached.rows;
    const seen = version;
    const rows = await ex
      .select({ code: categories.code, name: categories.name })
      .from(categories)
      .where(eq(categories.active, true))
      .orderBy(asc(categories.id));
    cached = { at: now, version: seen, rows };
    return rows;
  };
}
