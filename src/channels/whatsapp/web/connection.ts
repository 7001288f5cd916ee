import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Client, Message } from 'whatsapp-web.js';
import { backoff } from '../../../backoff.js';

export type WebState = 'stopped' | 'starting' | 'qr' | 'ready' | 'disconnected' | 'auth_failure' | 'unreachable';

export interface WebStatus {
  state: WebState;
  since: Date;
  /** The linking code while `state` is `qr` (WhatsApp refreshes it about every 20 seconds). */
  qr: string | null;
  /** The linked account's number once ready. */
  account: string | null;
  lastError: string | null;
  /** When the next connection attempt is due, while waiting to reconnect. */
  retryAt: Date | null;
}

export interface WebConnectionOptions {
  dataDir: string;
  chromiumPath: string;
  /** How long launching Chromium and loading WhatsApp Web may take before it counts as unreachable. */
  timeoutMs: number;
  logger: FastifyBaseLogger;
  onMessage(message: Message): Promise<void>;
  onAck(message: Message, ack: number): Promise<void>;
  /** Called each time the link becomes ready, e.g. to pick up what arrived while it was down. */
  onReady?(client: Client): Promise<void>;
  /** Shows the linking QR to whoever watches the terminal. */
  showQr(qr: string): Promise<void>;
  backoff?: { initialMs: number; maxMs: number };
  /** How whatsapp-web.js is loaded; tests hand in a stand-in with the same Client/LocalAuth surface. */
  loadLibrary?: () => Promise<WebLibrary>;
}

export interface WebLibrary {
  Client: typeof import('whatsapp-web.js').Client;
  LocalAuth: typeof import('whatsapp-web.js').LocalAuth;
}

/** Loaded only in web mode: it brings puppeteer, which the Cloud API never needs. */
async function loadWhatsAppWebJs(): Promise<WebLibrary> {
  const lib = (await import('whatsapp-web.js')) as typeof import('whatsapp-web.js') & { default?: typeof import('whatsapp-web.js') };
  return lib.default ?? lib;
}

/** The Chromium flags for a server: no sandbox (it runs as a service user or root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Keeps one whatsapp-web.js client alive: starts it, shows the QR until the phone links, and
 * on a disconnection, an authentication failure or an unreachable WhatsApp Web closes Chromium
 * and tries again later, waiting twice as long each time up to a cap. Never throws to its caller.
 */
export class WhatsAppWebConnection {
  private client: Client | undefined;
  private current: WebStatus = { state: 'stopped', since: new Date(), qr: null, account: null, lastError: null, retryAt: null };
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = true;
  private attempt: Promise<void> | undefined;
  /** Ends a connection attempt's wait at once (on stop). */
  private abortAttempt: () => void = () => undefined;
  private readonly backoff: { initialMs: number; maxMs: number };

  constructor(private readonly options: WebConnectionOptions) {
    this.backoff = options.backoff ?? { initialMs: 5_000, maxMs: 5 * 60_000 };
  }

  status(): WebStatus {
    return { ...this.current };
  }

  /** The connected client, or undefined while not ready. */
  ready(): Client | undefined {
    return this.current.state === 'ready' ? this.client : undefined;
  }

  /** Begins connecting in the background; the server does not wait for WhatsApp. */
  start(): void {
    this.stopped = false;
    this.attempt = this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abortAttempt();
    await this.attempt;
    await this.closeClient();
    this.setState('stopped', {});
  }

  private setState(state: WebState, patch: Partial<WebStatus>): void {
    this.current = { ...this.current, qr: null, retryAt: null, ...patch, state, since: new Date() };
  }

  private async connect(): Promise<void> {
    const log = this.options.logger;
    this.setState('starting', { lastError: null });
    log.info({ chromium: this.options.chromiumPath }, 'WhatsApp Web: starting Chromium');
    let client: Client;
    try {
      const { Client: WebClient, LocalAuth } = await (this.options.loadLibrary ?? loadWhatsAppWebJs)();
      client = new WebClient({
        authStrategy: new LocalAuth({ dataPath: join(this.options.dataDir, 'whatsapp-session') }),
        webVersionCache: { type: 'local', path: join(this.options.dataDir, 'whatsapp-web-cache') },
        puppeteer: {
          executablePath: this.options.chromiumPath,
          headless: true,
          args: CHROMIUM_ARGS,
          timeout: this.options.timeoutMs,
          protocolTimeout: Math.max(this.options.timeoutMs, 30_000),
          // Our own shutdown closes the browser; puppeteer's SIGINT handler would exit the process first.
          handleSIGINT: false,
        },
      });
    } catch (error) {
      this.fail('unreachable', `cannot load whatsapp-web.js: ${(error as Error).message}`);
      return;
    }
    this.client = client;
    this.listen(client);

    // Until WhatsApp Web shows a QR or a session, a silent network counts against the time limit.
    let settle: () => void = () => undefined;
    const linked = new Promise<void>((resolve) => (settle = resolve));
    client.once('qr', () => settle());
    client.once('authenticated', () => settle());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.timeoutMs)));
    const initializing = client.initialize().then(
      () => 'done' as const,
      (error: unknown) => error,
    );
    const aborted = new Promise<'aborted'>((resolve) => (this.abortAttempt = () => resolve('aborted')));
    const outcome = await Promise.race([initializing, timedOut, aborted, linked.then(() => 'linked' as const)]);
    clearTimeout(timer);
    if (this.stopped || outcome === 'aborted') {
      // A Chromium still launching now is closed once its launch finishes.
      void initializing.then(() => destroyQuietly(client));
      return;
    }
    if (outcome === 'done' || outcome === 'linked') {
      // Failures after this point arrive as events (disconnected, auth_failure).
      void initializing.then((late) => {
        if (late !== 'done' && this.client === client && !this.stopped)
          this.fail('unreachable', `WhatsApp Web stopped loading: ${describe(late)}`);
      });
      return;
    }
    const reason = outcome === 'timeout' ? `no answer within ${this.options.timeoutMs} ms` : describe(outcome);
    // A Chromium still launching when the time ran out is closed once its launch finishes.
    void initializing.then(() => (this.client === client ? undefined : destroyQuietly(client)));
    this.fail('unreachable', `cannot reach web.whatsapp.com (${reason})`);
  }

  private listen(client: Client): void {
    const log = this.options.logger;
    client.on('qr', (qr: string) => {
      if (this.client !== client) return;
      this.setState('qr', { qr });
      log.info(
        'WhatsApp Web: scan the QR code with the office phone (WhatsApp › Linked devices), or open GET /api/staff/whatsapp/qr as an admin',
      );
      this.options.showQr(qr).catch((error: unknown) => log.warn({ err: error }, 'WhatsApp Web: could not print the QR code'));
    });
    client.on('authenticated', () => {
      if (this.client !== client) return;
      // The QR has done its job; WhatsApp Web now loads the account's chats.
      if (this.current.state === 'qr') this.setState('starting', {});
      log.info('WhatsApp Web: session authenticated');
    });
    client.on('ready', () => {
      if (this.client !== client) return;
      this.failures = 0;
      const account = client.info?.wid?.user ?? null;
      this.setState('ready', { account, lastError: null });
      log.info({ account }, 'WhatsApp Web: ready');
      this.options
        .onReady?.(client)
        .catch((error: unknown) => log.warn({ err: error }, 'WhatsApp Web: could not catch up on unread messages'));
    });
    client.on('auth_failure', (message: string) => {
      if (this.client !== client) return;
      this.fail(
        'auth_failure',
        `authentication failed: ${message}. If it persists, delete ${join(this.options.dataDir, 'whatsapp-session')} and link again`,
      );
    });
    client.on('disconnected', (reason: string) => {
      if (this.client !== client) return;
      this.fail('disconnected', `disconnected: ${reason}`);
    });
    client.on('message', (message: Message) => {
      this.options
        .onMessage(message)
        .catch((error: unknown) =>
          log.error({ err: error, id: message.id?._serialized }, 'WhatsApp Web: could not store an incoming message'),
        );
    });
    client.on('message_ack', (message: Message, ack: number) => {
      this.options
        .onAck(message, ack)
        .catch((error: unknown) => log.warn({ err: error }, 'WhatsApp Web: could not record a delivery status'));
    });
  }

  /** Records the failure, closes Chromium, and schedules the next attempt with a doubled wait. */
  private fail(state: 'unreachable' | 'auth_failure' | 'disconnected', error: string): void {
    if (this.stopped) return;
    this.failures += 1;
    const waitMs = backoff(this.failures, { baseMs: this.backoff.initialMs, maxMs: this.backoff.maxMs });
    const retryAt = new Date(Date.now() + waitMs);
    this.setState(state, { lastError: error, retryAt });
    const level = state === 'disconnected' ? 'warn' : 'error';
    this.options.logger[level](
      { state, retryInSeconds: Math.round(waitMs / 1000) },
      `WhatsApp Web: ${error}; retrying in ${Math.round(waitMs / 1000)} s`,
    );
    const closing = this.closeClient();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      void closing.then(() => {
        if (!this.stopped) this.attempt = this.connect();
      });
    }, waitMs);
    this.retryTimer.unref();
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await destroyQuietly(client);
  }
}

async function destroyQuietly(client: Client): Promise<void> {
  try {
    await client.destroy();
  } catch {
    // Already closed or never launched: nothing left to close.
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]!;
  return String(error);
}
