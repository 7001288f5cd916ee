import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { queryRows } from '../../../db/client.js';

export type LiveEvent =
  | { type: 'case.changed'; caseId: number }
  | { type: 'conversation.changed'; conversationId: string }
  | { type: 'message.new' }
  | { type: 'changed' };

/**
 * Pushes "something changed" to open consoles. Actions taken on this instance are announced at
 * once; changes made elsewhere (a citizen's message, another instance) are noticed by a cheap
 * poll of three high-water marks, which runs only while someone is listening.
 */
export class LiveUpdates {
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private readonly streams = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private mark = '';

  constructor(
    private readonly db: Db,
    private readonly pollMs: number,
  ) {}

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /**
   * Keeps an open event stream's `end`, so a stopping server can end it: a stream never ends on
   * its own, and the HTTP server's close waits for every open request. Returns the release.
   */
  hold(end: () => void): () => void {
    this.streams.add(end);
    return () => this.streams.delete(end);
  }

  /** Ends every open stream (the consoles reconnect, to another instance or to this one restarted). */
  endStreams(): void {
    for (const end of this.streams) end();
    this.streams.clear();
  }

  publish(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    try {
      const [row] = await queryRows<{ m: string | null; c: string | null; k: string | null }>(
        this.db,
        sql`select (select max(id) from messages)::text as m, (select max(updated_at) from conversations)::text as c, (select max(updated_at) from cases)::text as k`,
      );
      const mark = `${row?.m}|${row?.c}|${row?.k}`;
      if (this.mark && mark !== this.mark) this.publish({ type: 'changed' });
      this.mark = mark;
    } catch {
      // A failed poll is retried on the next tick; consoles also refresh on their own actions.
    }
  }
}
