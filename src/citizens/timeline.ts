import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { cases, categories, citizenContacts, citizenIdentities, citizens, conversations, messages } from '../db/schema.js';

/**
 * One timeline per citizen across every channel (issue 20): the messages of all their
 * conversations and the cases they opened, newest first, for the staff who work with citizens.
 * Once two records are merged this is everything either had.
 */
export interface CitizenTimelineEntry {
  at: Date;
  kind: 'message' | 'case';
  channel: string;
  /** Messages: who wrote it. */
  direction?: 'in' | 'out';
  author?: string;
  text?: string;
  conversationId?: string;
  /** Cases: which, and where it stands. */
  caseId?: number | null;
  folio?: string;
  status?: string;
  category?: string;
}

const LIMIT = 300;

export async function citizenTimeline(ex: Executor, citizenId: number) {
  const [citizen] = await ex
    .select({
      id: citizens.id,
      name: citizens.name,
      phone: citizens.phone,
      email: citizens.email,
      mergedInto: citizens.mergedInto,
      erasedAt: citizens.erasedAt,
    })
    .from(citizens)
    .where(eq(citizens.id, citizenId))
    .limit(1);
  if (!citizen) return null;
  const [identities, contacts, theirCases, theirConversations] = await Promise.all([
    ex
      .select({ channel: citizenIdentities.channel, channelUserId: citizenIdentities.channelUserId })
      .from(citizenIdentities)
      .where(eq(citizenIdentities.citizenId, citizenId)),
    ex
      .select({ kind: citizenContacts.kind, value: citizenContacts.value, verified: citizenContacts.verified })
      .from(citizenContacts)
      .where(eq(citizenContacts.citizenId, citizenId)),
    ex
      .select({
        id: cases.id,
        folio: cases.folio,
        status: cases.status,
        channel: cases.channel,
        createdAt: cases.createdAt,
        category: categories.name,
        departmentId: cases.departmentId,
      })
      .from(cases)
      .innerJoin(categories, eq(categories.id, cases.categoryId))
      .where(eq(cases.citizenId, citizenId))
      .orderBy(desc(cases.createdAt))
      .limit(LIMIT),
    ex.select({ id: conversations.id, channel: conversations.channel }).from(conversations).where(eq(conversations.citizenId, citizenId)),
  ]);
  const conversationIds = theirConversations.map((c) => c.id);
  const said =
    conversationIds.length === 0
      ? []
      : await ex
          .select({
            at: messages.createdAt,
            channel: messages.channel,
            direction: messages.direction,
            author: messages.author,
            text: messages.text,
            conversationId: messages.conversationId,
            caseId: messages.caseId,
          })
          .from(messages)
          .where(and(inArray(messages.conversationId, conversationIds)))
          .orderBy(desc(messages.id))
          .limit(LIMIT);
  const entries: CitizenTimelineEntry[] = [
    ...said.map((m) => ({ ...m, kind: 'message' as const })),
    ...theirCases.map((c) => ({
      at: c.createdAt,
      kind: 'case' as const,
      channel: c.channel,
      caseId: c.id,
      folio: c.folio,
      status: c.status,
      category: c.category,
    })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  return { citizen, identities, contacts, cases: theirCases, entries: entries.slice(0, LIMIT) };
}
