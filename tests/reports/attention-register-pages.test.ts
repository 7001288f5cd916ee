import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionLog, citizens, conversations } from '../../src/db/schema.js';
import type { Database } from '../../src/db/client.js';
import { attentionRegisterPage, type AttentionQuery } from '../../src/understanding/attention-register.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

let database: Database;
const settings = { timeZone: 'America/Mexico_City', locale: 'es' as const, procedureName: () => undefined };
const start = new Date('2026-03-10T16:00:00Z').getTime();
const minute = (m: number) => new Date(start + m * 60_000);
const expected: Array<{ id: string; at: number; logged: boolean; key: string }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const [citizen] = await database.db.insert(citizens).values({ name: 'Vecina' }).returning();
  // 60 conversations with an outcome a minute apart, and 25 without one between them (every
  // seventh at the very instant of a logged one, to try the order of ties).
  for (let i = 0; i < 85; i++) {
    const logged = i < 60;
    const at = logged ? minute(i) : minute((i - 60) * 2.4 + ((i - 60) % 7 === 0 ? 0 : 0.5));
    const [conversation] = await database.db
      .insert(conversations)
      .values({
        channel: 'web',
        conversationKey: `pages-${i}`,
        channelUserId: `pages-${i}`,
        citizenId: citizen!.id,
        dialogState: {},
        lastInboundAt: at,
      })
      .returning();
    if (logged) {
      const [row] = await database.db
        .insert(attentionLog)
        .values({ conversationId: conversation!.id, channel: 'web', kind: 'status_lookup', createdAt: at })
        .returning();
      expected.push({ id: `a${row!.id}`, at: at.getTime(), logged: true, key: String(row!.id).padStart(12, '0') });
    } else expected.push({ id: `c${conversation!.id}`, at: at.getTime(), logged: false, key: conversation!.id });
  }
  expected.sort((a, b) => b.at - a.at || Number(b.logged) - Number(a.logged) || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
});
afterAll(async () => database?.close());

describe(`attention register pages on ${databaseKind}`, () => {
  it('walks logged and abandoned attentions in one order, page after page, none lost or repeated', async () => {
    for (const limit of [7, 20]) {
      const seen: string[] = [];
      let page: string | undefined;
      for (;;) {
        const query: AttentionQuery = { from: '2026-03-10', to: '2026-03-11', ...(page ? { page } : {}) };
        const { entries, next } = await attentionRegisterPage(database.db, query, settings, limit);
        seen.push(...entries.map((e) => e.id));
        if (!next) break;
        page = next;
      }
      expect(seen).toEqual(expected.map((e) => e.id));
    }
  });
});
