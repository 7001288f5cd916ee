import { setTimeout as sleep } from 'node:timers/promises';
import { Unauthorized } from '../../errors.js';
import { languagePack, type LanguagePack } from '../../language/language-pack.js';
import { t } from '../../i18n/index.js';
import type { ChannelFactory } from '../channel.js';
import { createTelegramClient } from './client.js';
import { createUpdateHandler } from './handler.js';
import { createTelegramSender } from './outbound.js';
import { startPolling } from './polling.js';
import { realClock, SendLimiter, TELEGRAM_LIMITS, type LimiterClock, type SendLimits } from './rate-limit.js';
import { ALLOWED_UPDATES } from './update.js';
import { SECRET_HEADER, secretMatches } from './verify.js';
import { backoff } from '../../backoff.js';

export const WEBHOOK_PATH = '/webhooks/telegram';

export interface TelegramChannelOptions {
  /** The send limiter's clock (tests jump instead of waiting). */
  clock?: LimiterClock;
  limits?: SendLimits;
  /** First back-off when Telegram cannot be reached; doubles up to a minute. */
  retryBaseMs?: number;
  pollTimeoutSeconds?: number;
}

/** How each command of the menu (the language pack's, in the install's language) is described. */
const COMMAND_DESCRIPTIONS: Record<LanguagePack['telegram']['menu'][number]['intent'], Parameters<typeof t>[1]> = {
  status: 'telegram.command.status',
  human: 'telegram.command.human',
  help: 'telegram.command.help',
  cancel: 'telegram.command.cancel',
};

/**
 * The Telegram channel: on when TELEGRAM_BOT_TOKEN is set. Receives by long polling (default: no
 * public address needed) or by webhook at `POST /webhooks/telegram`, and sends through the outbox.
 */
export function telegramChannel(options: TelegramChannelOptions = {}): ChannelFactory {
  return ({ config, conversations, state, logger, now }) => {
    const settings = config.telegram;
    if (!settings) return null;
    const log = logger.child({ channel: 'telegram' });
    const client = createTelegramClient({ token: settings.botToken, apiRoot: settings.apiRoot });
    const limiter = new SendLimiter(options.clock ?? realClock, options.limits ?? TELEGRAM_LIMITS);
    const pack = languagePack(config.locale);
    const handle = createUpdateHandler({ client, conversations, logger: log, now, pack });
    const retryBaseMs = options.retryBaseMs ?? 1000;
    let stopBackground: (() => Promise<void>) | undefined;

    async function setCommands(signal: AbortSignal) {
      const commands = pack.telegram.menu.map(({ command, intent }) => ({
        command,
        description: t(config.locale, COMMAND_DESCRIPTIONS[intent]),
      }));
      await client.call('setMyCommands', { commands }, { signal });
    }

    return {
      name: 'telegram',
      sender: createTelegramSender({ client, limiter, locale: config.locale }),

      routes:
        settings.mode === 'webhook'
          ? async (scope) => {
              const secret = settings.webhookSecret!;
              scope.post(
                WEBHOOK_PATH,
                {
                  bodyLimit: 1024 * 1024,
                  // Checked before the body is even read: a forged call costs us nothing.
                  onRequest: async (request) => {
                    if (!secretMatches(request.headers[SECRET_HEADER], secret)) throw new Unauthorized();
                  },
                },
                async (request, reply) => {
                  // Answers only once the update is stored; an error becomes a 5xx and Telegram retries.
                  const outcome = await handle(request.body);
                  return reply.code(200).send({ ok: true, outcome });
                },
              );
            }
          : undefined,

      async start() {
        const controller = new AbortController();
        if (settings.mode === 'polling') {
          const poller = startPolling({
            client,
            state: state('telegram'),
            handle,
            logger: log,
            timeoutSeconds: options.pollTimeoutSeconds ?? 25,
            retryBaseMs,
            prepare: async (signal) => {
              // A webhook left from an earlier set-up would make getUpdates fail.
              await client.call('deleteWebhook', { drop_pending_updates: false }, { signal });
              await setCommands(signal).catch((error: unknown) => log.warn({ err: error }, 'Telegram: could not set the command menu'));
            },
          });
          stopBackground = () => poller.stop();
          return;
        }
        if (!config.publicUrl) {
          log.warn(`Telegram webhook mode without PUBLIC_URL: register ${WEBHOOK_PATH} with setWebhook yourself`);
          return;
        }
        const url = `${config.publicUrl}${WEBHOOK_PATH}`;
        const done = retrying(
          log,
          retryBaseMs,
          controller.signal,
          'Telegram setWebhook failed (is Telegram reachable? is the token right?)',
          async (signal) => {
            await client.call('setWebhook', { url, secret_token: settings.webhookSecret, allowed_updates: ALLOWED_UPDATES }, { signal });
            log.info({ url }, 'Telegram: receiving messages by webhook');
            await setCommands(signal).catch((error: unknown) => log.warn({ err: error }, 'Telegram: could not set the command menu'));
          },
        );
        stopBackground = async () => {
          controller.abort();
          await done;
        };
      },

      async stop() {
        await stopBackground?.();
      },
    };
  };
}

/** Runs `task` in the background until it succeeds or `signal` aborts, backing off between tries; never throws. */
async function retrying(
  log: { error(obj: object, msg: string): void },
  baseMs: number,
  signal: AbortSignal,
  message: string,
  task: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  for (let failures = 0; !signal.aborted; failures++) {
    try {
      await task(signal);
      return;
    } catch (error) {
      if (signal.aborted) return;
      const delay = backoff(failures + 1, { baseMs, maxMs: 60_000 });
      log.error({ err: error, retryInMs: delay }, `${message}; retrying`);
      await sleep(delay, undefined, { signal }).catch(() => undefined);
    }
  }
}
