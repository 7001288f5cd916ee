import { and, asc, between, eq, gte, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { cases, categories, openCaseSql, type Case } from '../db/schema.js';
import { foldText } from '../language/normalize-text.js';
import { boundingBox, distanceMetres } from '../places/distance.js';
import type { Actor } from './case-events.js';
import { isFinalStatus } from './case-type.js';
import { recordCaseEvent } from './events.js';

/**
 * One problem, many reports (issue 20). When a street light goes out twelve neighbours report it;
 * a new report joins an open report of the same category at the same place — within the
 * category's radius when both have coordinates, or at the same address written any way (its
 * `place_key`) — opened within a window. The first report is the *parent*, which the department
 * works; the others are attached to it and follow it (src/cases/follow-up/cluster-followers.ts),
 * each citizen told of every change on their own channel. Only reports join: a complaint or a
 * question is one person's.
 */

export interface ClusterSettings {
  /** Where a category sets no radius of its own. */
  defaultRadiusM: number;
  /** How old an open report may be and still gather new ones. */
  windowDays: number;
}

export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = { defaultRadiusM: 100, windowDays: 30 };

export type JoinedHow = 'distance' | 'address' | 'staff';

export interface ClusterMatch {
  parent: Pick<Case, 'id' | 'folio'>;
  how: Exclude<JoinedHow, 'staff'>;
  /** Metres between the two reported points, when both had them. */
  distanceM: number | null;
  /** How alike their descriptions are, 0 to 1 (shared words): ranks candidates at the same place. */
  similarity: number;
}

const CANDIDATES = 50;
const DAY_MS = 86_400_000;

/** The open, unattached reports of the category that the new report may join, best first. */
export async function findClusterParent(
  ex: Executor,
  report: Pick<Case, 'id' | 'type' | 'categoryId' | 'latitude' | 'longitude' | 'placeKey' | 'description' | 'createdAt'>,
  settings: ClusterSettings,
): Promise<ClusterMatch | null> {
  if (report.type !== 'reporte') return null;
  const [category] = await ex
    .select({ radius: categories.clusterRadiusM })
    .from(categories)
    .where(eq(categories.id, report.categoryId))
    .limit(1);
  const radius = category?.radius ?? settings.defaultRadiusM;
  const since = new Date(report.createdAt.getTime() - settings.windowDays * DAY_MS);
  // Written as the partial indexes' predicates are, so the planner uses them.
  const open = (extra: ReturnType<typeof sql>) =>
    and(
      sql`${openCaseSql} and ${cases.clusterParentId} is null and ${extra}`,
      eq(cases.categoryId, report.categoryId),
      eq(cases.type, 'reporte'),
      gte(cases.createdAt, since),
      ne(cases.id, report.id),
    );
  const columns = {
    id: cases.id,
    folio: cases.folio,
    latitude: cases.latitude,
    longitude: cases.longitude,
    description: cases.description,
  };

  const found: ClusterMatch[] = [];
  const words = descriptionWords(report.description);
  if (report.latitude !== null && report.longitude !== null) {
    const here = { lat: report.latitude, lon: report.longitude };
    const box = boundingBox(here, radius);
    const near = await ex
      .select(columns)
      .from(cases)
      .where(
        and(
          open(sql`${cases.latitude} is not null`),
          between(cases.latitude, box.minLat, box.maxLat),
          between(cases.longitude, box.minLon, box.maxLon),
        ),
      )
      .orderBy(asc(cases.id))
      .limit(CANDIDATES);
    for (const c of near) {
      const distanceM = distanceMetres(here, { lat: c.latitude!, lon: c.longitude! });
      if (distanceM <= radius)
        found.push({ parent: c, how: 'distance', distanceM, similarity: similarity(words, descriptionWords(c.description)) });
    }
  }
  if (report.placeKey) {
    const same = await ex
      .select(columns)
      .from(cases)
      .where(and(open(sql`${cases.placeKey} is not null`), eq(cases.placeKey, report.placeKey)))
      .orderBy(asc(cases.id))
      .limit(CANDIDATES);
    for (const c of same)
      if (!found.some((f) => f.parent.id === c.id))
        found.push({ parent: c, how: 'address', distanceM: null, similarity: similarity(words, descriptionWords(c.description)) });
  }
  // The nearest in words first, then in metres, then the oldest report.
  found.sort((a, b) => b.similarity - a.similarity || (a.distanceM ?? radius) - (b.distanceM ?? radius) || a.parent.id - b.parent.id);
  const best = found[0];
  return best ? { ...best, parent: { id: best.parent.id, folio: best.parent.folio } } : null;
}

/**
 * Attaches `child` to `parent`, inside the caller's unit of work: an event on both, and the child
 * takes the parent's department and progress so it reads as the problem does. A child's own
 * children (a parent joined by hand) move with it, since a child is never a parent.
 */
export async function joinCluster(
  ex: Executor,
  child: Case,
  parent: Case,
  actor: Actor,
  how: JoinedHow,
  detail: { distanceM: number | null; similarity: number | null },
  now: Date,
): Promise<void> {
  const follows = {
    clusterParentId: parent.id,
    departmentId: parent.departmentId,
    status: parent.status,
    receivedAt: parent.receivedAt,
    updatedAt: now,
  };
  await ex.update(cases).set(follows).where(eq(cases.id, child.id));
  await ex
    .update(cases)
    .set({ ...follows })
    .where(and(eq(cases.clusterParentId, child.id), sql`${openCaseSql}`));
  await ex.update(cases).set({ clusterParentId: parent.id }).where(eq(cases.clusterParentId, child.id));
  const distanceM = detail.distanceM === null ? null : Math.round(detail.distanceM);
  const similarity = detail.similarity === null ? null : Math.round(detail.similarity * 100) / 100;
  await recordCaseEvent(
    ex,
    child.id,
    'case.cluster_joined',
    actor,
    { parentId: parent.id, parentFolio: parent.folio, how, distanceM, similarity },
    now,
  );
  await recordCaseEvent(
    ex,
    parent.id,
    'case.cluster_gained',
    actor,
    { childId: child.id, childFolio: child.folio, how, distanceM, similarity },
    now,
  );
}

/** Detaches a wrongly joined report: it stands on its own again, an event on both. */
export async function splitFromCluster(
  ex: Executor,
  child: Case,
  parent: Pick<Case, 'id' | 'folio'>,
  actor: Actor,
  now: Date,
): Promise<void> {
  await ex.update(cases).set({ clusterParentId: null, updatedAt: now }).where(eq(cases.id, child.id));
  await recordCaseEvent(ex, child.id, 'case.cluster_left', actor, { parentId: parent.id, parentFolio: parent.folio }, now);
  await recordCaseEvent(ex, parent.id, 'case.cluster_lost', actor, { childId: child.id, childFolio: child.folio }, now);
}

/** The reports attached to a parent, oldest first. */
export async function clusterChildren(ex: Executor, parentId: number) {
  return ex
    .select({
      id: cases.id,
      folio: cases.folio,
      channel: cases.channel,
      status: cases.status,
      createdAt: cases.createdAt,
      address: cases.address,
    })
    .from(cases)
    .where(eq(cases.clusterParentId, parentId))
    .orderBy(asc(cases.createdAt), asc(cases.id));
}

/** Whether a case may still gather reports or be joined: open, and not itself attached. */
export const mayCluster = (c: Pick<Case, 'status' | 'clusterParentId'>) => !isFinalStatus(c.status) && c.clusterParentId === null;

export async function lockCase(ex: Executor, id: number): Promise<Case | undefined> {
  const [row] = await ex.select().from(cases).where(eq(cases.id, id)).for('update').limit(1);
  return row;
}

export async function caseByFolio(ex: Executor, folio: string): Promise<Case | undefined> {
  const [row] = await ex.select().from(cases).where(eq(cases.folio, folio.trim().toUpperCase())).limit(1);
  return row;
}

// --- How alike two descriptions are ---------------------------------------------------------

const FUNCTION_WORDS = new Set(
  (
    'que con por para una uno unos unas los las del hay esta este esto estan esta desde hace muy mas pero como cuando donde ' +
    'sus nos les ese esa eso ahi aqui frente lado calle colonia numero favor buenas buenos tardes dias noches hola gracias ' +
    'the and for with from there this that have has are was'
  ).split(' '),
);

/** A description's content words, cut to their first five letters ("lámparas", "lampara" → "lampa"). */
export function descriptionWords(text: string): Set<string> {
  const words = foldText(text.normalize('NFC'))
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !FUNCTION_WORDS.has(w) && !/^\d+$/.test(w));
  return new Set(words.map((w) => w.slice(0, 5)));
}

/** Shared words over all words (Jaccard). */
export function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}
