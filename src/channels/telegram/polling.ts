import type { FastifyBaseLogger } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelStateStore } from '../channel.js';
import { TelegramRefused, type TelegramClient } from './client.js';
import type { UpdateHandler } from './handler.js';
import { ALLOWED_UPDATES } from './update.js';
import { backoff } from '../../backoff.js';

export interface PollingOptions {
  client: TelegramClient;
  /** Where the offset is kept. */
  state: ChannelStateStore;
  handle: UpdateHandler;
  logger: FastifyBaseLogger;
  /** Seconds Telegram holds a getUpdates call open when there is nothing new. */
  timeoutSeconds: number;
  /** First back-off after a failure; it doubles up to a minute. */
  retryBaseMs: number;
  /** Work done once Telegram answers (deleteWebhook, commands), retried with the same back-off. */
  prepare(signal: AbortSignal): Promise<void>;
}

/** An update that keeps failing this many times in a row is logged and skipped, so it cannot stall the rest. */
const MAX_ATTEMPTS_PER_UPDATE = 8;
const STATE_KEY = 'polling';

/**
 * Long polling with the offset kept in the database. An update is confirmed to Telegram (by
 * asking for the next offset) only after `receive` committed it and the new offset was stored;
 * a crash in between fetches it again, and the stored message's unique platform id turns the
 * repeat into a no-op.
 */
export function startPolling(options: PollingOptions): { stop(): Promise<void> } {
  const { client, state, handle, logger } = options;
  const controller = new AbortController();
  const signal = controller.signal;

  async function run() {
    let prepared = false;
    let failures = 0;
    let offset: number | undefined;
    let failing: { updateId: number; attempts: number } | undefined;
    while (!signal.aborted) {
      try {
        if (!prepared) {
          await options.prepare(signal);
          prepared = true;
          offset = (await state.read<{ nextUpdateId: number }>(STATE_KEY))?.nextUpdateId;
          logger.info({ offset }, 'Telegram: receiving messages by long polling');
        }
        const updates = await client.call<Array<{ update_id: number }>>(
          'getUpdates',
          { ...(offset !== undefined ? { offset } : {}), timeout: options.timeoutSeconds, allowed_updates: ALLOWED_UPDATES },
          { signal, timeoutMs: (options.timeoutSeconds + 15) * 1000 },
        );
        for (const update of updates) {
          if (signal.aborted) return;
          try {
            await handle(update);
          } catch (error) {
            const attempts = failing?.updateId === update.update_id ? failing.attempts + 1 : 1;
            failing = { updateId: update.update_id, attempts };
            if (attempts < MAX_ATTEMPTS_PER_UPDATE) throw error;
            logger.error({ err: error, updateId: update.update_id, attempts }, 'Telegram update failed again and again; skipped');
          }
          offset = update.update_id + 1;
          await state.write(STATE_KEY, { nextUpdateId: offset });
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        const delay = backoff(failures, { baseMs: options.retryBaseMs, maxMs: 60_000 });
        const conflict = error instanceof TelegramRefused && error.code === 409;
        logger.error(
          { err: error, retryInMs: delay },
          conflict
            ? 'Telegram polling refused: another instance is polling this bot, or a webhook is set; retrying'
            : 'Telegram polling failed (is Telegram reachable? is the token right?); retrying',
        );
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  const running = run().catch((error: unknown) => logger.error({ err: error }, 'Telegram polling stopped unexpectedly'));
  return {
    async stop() {
      controller.abort();
      await running;
    },
  };
}
