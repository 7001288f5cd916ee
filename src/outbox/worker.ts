import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.js';
import { conversations, messages, outbox } from '../db/schema.js';
import { OutboundMessage } from '../messages/outbound.js';
import { recordDeliveryError } from './delivery-status.js';
import { DeliveryFailed, DeliveryRefused, type ChannelSender, type Delivery } from './delivery.js';
import { recordDeliveryFailure } from './delivery-failure.js';

export interface OutboxLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxWorkerOptions {
  db: Db;
  senders: ReadonlyMap<string, ChannelSender>;
  logger: OutboxLogger;
  pollMs: number;
  batchSize?: number;
  /** A claimed job whose sender never reported back becomes claimable again after this. */
  leaseMs?: number;
  maxAttempts?: number;
}

const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 3_600_000;

export function retryDelayMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * Sends what the outbox holds. Jobs are claimed with a lease (not a transaction held open across
 * the network call), so several app instances share the work and a crash mid-send only delays a
 * message until its lease runs out — it is never lost. A conversation's messages go strictly in
 * order: a later one waits while an earlier one is in flight or waiting to be retried.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.batchSize = options.batchSize ?? 20;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Called after a transaction that enqueued something commits, so replies go out at once. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /**
   * Sends every due job now; returns how many were attempted. Each pass sends at most the head
   * of each conversation's queue, so passes repeat until nothing is due. Also what tests call.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      if (n === 0) return total;
      total += n;
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .then(() => undefined)
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'outbox worker pass failed'))
        .finally(() => {
          this.running = undefined;
          if (this.stopped) return;
          const next = this.again ? 0 : this.options.pollMs;
          this.again = false;
          this.schedule(next);
        });
    }, ms);
    this.timer.unref();
  }

  private async runOnce(): Promise<number> {
    const jobs = await this.claim();
    await Promise.all(jobs.map((job) => this.deliver(job)));
    return jobs.length;
  }

  private async claim(): Promise<Delivery[]> {
    const { db } = this.options;
    const claimed = await queryRows<{ id: number; message_id: number; attempts: number }>(db, sql`
      update outbox set attempts = attempts + 1,
                        next_attempt_at = now() + make_interval(secs => ${this.leaseMs / 1000})
      where id in (
        select o.id from outbox o
        where o.status = 'pending' and o.next_attempt_at <= now()
          and not exists (select 1 from outbox earlier
                          where earlier.conversation_id = o.conversation_id and earlier.status = 'pending' and earlier.id < o.id)
        order by o.id
        limit ${this.batchSize}
        for update skip locked)
      returning id, message_id, attempts`);
    if (claimed.length === 0) return [];
    const byMessage = new Map(claimed.map((r) => [Number(r.message_id), r]));
    const rows = await db
      .select({ message: messages, conversation: conversations })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(inArray(messages.id, [...byMessage.keys()]));
    return rows.map(({ message, conversation }) => {
      const job = byMessage.get(message.id)!;
      const prompt = (message.payload as { prompt?: unknown }).prompt;
      return {
        outboxId: Number(job.id),
        messageId: message.id,
        idempotencyKey: `ventanilla-${message.id}`,
        attempt: Number(job.attempts),
        channel: message.channel,
        conversationId: conversation.id,
        conversationKey: conversation.conversationKey,
        channelUserId: conversation.channelUserId,
        message: OutboundMessage.parse({ text: message.text, author: message.author, ...(prompt ? { prompt } : {}) }),
        createdAt: message.createdAt,
        lastInboundAt: conversation.lastInboundAt,
      };
    });
  }

  private async deliver(job: Delivery): Promise<void> {
    const { db, senders, logger } = this.options;
    const sender = senders.get(job.channel);
    try {
      if (!sender) throw new DeliveryFailed(`no sender is configured for channel "${job.channel}"`);
      const result = await sender.send(job);
      await db
        .update(outbox)
        .set({ status: 'sent', sentAt: new Date(), lastError: null })
        .where(and(eq(outbox.id, job.outboxId), eq(outbox.status, 'pending')));
      if (result.externalId) await db.update(messages).set({ externalId: result.externalId }).where(eq(messages.id, job.messageId));
    } catch (error) {
      const refused = error instanceof DeliveryRefused;
      const giveUp = refused || job.attempt >= this.maxAttempts;
      const retryAfter = error instanceof DeliveryFailed && error.retryAfterMs !== undefined ? error.retryAfterMs : retryDelayMs(job.attempt);
      await db
        .update(outbox)
        .set({
          status: giveUp ? 'failed' : 'pending',
          lastError: String((error as Error).message ?? error).slice(0, 1000),
          nextAttemptAt: new Date(Date.now() + retryAfter),
        })
        .where(eq(outbox.id, job.outboxId));
      // The message itself says it never went out, so whoever reads the conversation sees why.
      if (giveUp) await recordDeliveryError(db, job.messageId, String((error as Error).message ?? error), new Date());
      (giveUp ? logger.error : logger.warn).call(
        logger,
        { outboxId: job.outboxId, channel: job.channel, attempt: job.attempt, err: error },
        giveUp ? 'outbound message failed for good' : 'outbound message will be retried',
      );
      if (giveUp) {
        await recordDeliveryFailure(db, job.messageId, String((error as Error).message ?? error)).catch((failure: unknown) =>
          logger.error({ err: failure, messageId: job.messageId }, 'could not record the delivery failure'),
        );
      }
    }
  }
}

/** The web chat hands replies back in the HTTP response itself; those need no worker. */
export async function markDeliveredInline(db: Db, messageIds: number[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db
    .update(outbox)
    .set({ status: 'sent', sentAt: new Date() })
    .where(and(inArray(outbox.messageId, messageIds), eq(outbox.status, 'pending')));
}
