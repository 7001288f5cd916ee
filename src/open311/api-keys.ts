import { and, desc, eq, isNull } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import { recordAudit } from '../auth/audit.js';
import type { Db, Executor } from '../db/client.js';
import { open311Keys } from '../db/schema.js';
import { NotFound } from '../errors.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export interface KeyView {
  id: number;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const view = {
  id: open311Keys.id,
  name: open311Keys.name,
  createdAt: open311Keys.createdAt,
  revokedAt: open311Keys.revokedAt,
  lastUsedAt: open311Keys.lastUsedAt,
};

/** A new key for an app; the key itself is in the answer only, never stored. */
export async function issueKey(db: Db, name: string, by: { id: number; ip: string }): Promise<KeyView & { apiKey: string }> {
  const apiKey = `v311_${randomBytes(24).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const [key] = await tx
      .insert(open311Keys)
      .values({ name, keyHash: sha256(apiKey), createdBy: by.id })
      .returning(view);
    await recordAudit(tx, { staffUserId: by.id, action: 'open311_key.issued', subjectType: 'open311_key', subjectId: key!.id, ip: by.ip });
    return { ...key!, apiKey };
  });
}

export async function listKeys(db: Db): Promise<KeyView[]> {
  return db.select(view).from(open311Keys).orderBy(desc(open311Keys.id));
}

export async function revokeKey(db: Db, id: number, by: { id: number; ip: string }, now: Date): Promise<KeyView> {
  return db.transaction(async (tx) => {
    const [key] = await tx
      .update(open311Keys)
      .set({ revokedAt: now })
      .where(and(eq(open311Keys.id, id), isNull(open311Keys.revokedAt)))
      .returning(view);
    if (!key) throw new NotFound('error.open311_key_not_found');
    await recordAudit(tx, { staffUserId: by.id, action: 'open311_key.revoked', subjectType: 'open311_key', subjectId: id, ip: by.ip });
    return key;
  });
}

/** The live key an app sent, or null for an unknown or revoked one. */
export async function keyOf(ex: Executor, apiKey: string): Promise<{ id: number; name: string } | null> {
  const [key] = await ex
    .select({ id: open311Keys.id, name: open311Keys.name })
    .from(open311Keys)
    .where(and(eq(open311Keys.keyHash, sha256(apiKey)), isNull(open311Keys.revokedAt)))
    .limit(1);
  return key ?? null;
}

export async function touchKey(ex: Executor, id: number, at: Date): Promise<void> {
  await ex.update(open311Keys).set({ lastUsedAt: at }).where(eq(open311Keys.id, id));
}
