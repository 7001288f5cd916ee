import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { channelState } from './schema.js';

export async function readChannelState<T>(ex: Executor, channel: string, key: string): Promise<T | null> {
  const [row] = await ex
    .select({ value: channelState.value })
    .from(channelState)
    .where(and(eq(channelState.channel, channel), eq(channelState.key, key)));
  return row ? (row.value as T) : null;
}

/** One channel's view of its state. */
export function channelStateStore(ex: Executor, channel: string) {
  return {
    read: <T>(key: string) => readChannelState<T>(ex, channel, key),
    write: (key: string, value: unknown) => writeChannelState(ex, channel, key, value),
  };
}

export async function writeChannelState(ex: Executor, channel: string, key: string, value: unknown): Promise<void> {
  await ex
    .insert(channelState)
    .values({ channel, key, value })
    .onConflictDoUpdate({ target: [channelState.channel, channelState.key], set: { value, updatedAt: sql`now()` } });
}
