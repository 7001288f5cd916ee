import { DeliveryFailed } from '../../messages/delivery.js';

/** Time as the limiter sees it; tests pass a clock that jumps instead of waiting. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface SendLimits {
  /** Telegram: no more than one message per second in one chat. */
  perChatIntervalMs: number;
  /** Telegram: no more than 30 messages per second overall. */
  perSecond: number;
  /** A send that would wait longer than this goes back to the outbox, to be retried when the slot comes. */
  maxWaitMs: number;
}

export const TELEGRAM_LIMITS: SendLimits = { perChatIntervalMs: 1000, perSecond: 30, maxWaitMs: 10_000 };

/**
 * Spaces sends so Telegram's limits hold without dropping anything: each send reserves a slot at
 * least `perChatIntervalMs` after the previous one to its chat and `1000 / perSecond` ms from
 * every other send (so any one-second window holds at most `perSecond`), then waits for it.
 */
export class SendLimiter {
  private readonly chatNext = new Map<string, number>();
  /** Reserved send times, ascending; pruned as they pass. */
  private reserved: number[] = [];
  private readonly spacingMs: number;

  constructor(
    private readonly clock: LimiterClock,
    private readonly limits: SendLimits = TELEGRAM_LIMITS,
  ) {
    this.spacingMs = Math.ceil(1000 / limits.perSecond) + (1000 % limits.perSecond === 0 ? 1 : 0);
  }

  /** Waits for this chat's next slot; throws `DeliveryFailed` (with when to retry) if that is too far off. */
  async acquire(chatId: string): Promise<number> {
    const now = this.clock.now();
    this.reserved = this.reserved.filter((t) => t > now - 1000);
    let slot = Math.max(now, this.chatNext.get(chatId) ?? 0);
    for (const t of this.reserved) {
      if (t + this.spacingMs <= slot) continue;
      if (t >= slot + this.spacingMs) break;
      slot = t + this.spacingMs;
    }
    if (slot - now > this.limits.maxWaitMs)
      throw new DeliveryFailed(`Telegram send limit: next slot for chat in ${slot - now} ms`, slot - now);
    this.chatNext.set(chatId, slot + this.limits.perChatIntervalMs);
    this.reserved.push(slot);
    this.reserved.sort((a, b) => a - b);
    if (this.chatNext.size > 10_000) this.forgetPast(now);
    if (slot > now) await this.clock.sleep(slot - now);
    return slot;
  }

  /** After a 429: nothing more to this chat until Telegram's `retry_after` has passed. */
  pause(chatId: string, ms: number): void {
    const until = this.clock.now() + ms;
    this.chatNext.set(chatId, Math.max(this.chatNext.get(chatId) ?? 0, until));
  }

  private forgetPast(now: number): void {
    for (const [chat, next] of this.chatNext) if (next <= now) this.chatNext.delete(chat);
  }
}
