import { ImapFlow } from 'imapflow';
import type { MailServer } from '../../config.js';
import { backoff } from '../../backoff.js';

/** Where the watcher stands in a mailbox; UIDs mean nothing once UIDVALIDITY changes. */
export interface MailboxPosition {
  uidValidity: string;
  lastUid: number;
}

export interface MailboxLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface MailboxWatcherOptions {
  server: MailServer;
  folder: string;
  folderDone: string;
  pollMs: number;
  logger: MailboxLogger;
  loadPosition(): Promise<MailboxPosition | null>;
  /**
   * Commits one message (raw source) and the new position in the database; resolves only after
   * the commit. The watcher marks the message processed on the server only then.
   */
  commit(raw: Buffer, position: MailboxPosition): Promise<void>;
  /** Reconnect back-off: starts here, doubles, stops growing at `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Set on every message Ventanilla committed, so a re-scan knows it needs only its move finished. */
export const PROCESSED_FLAG = '$Ventanilla';
/** A message that failed this many times in a row is skipped (left in the inbox) rather than block the rest. */
const MAX_ATTEMPTS_PER_MESSAGE = 3;

/**
 * Watches one IMAP folder: IDLE while connected (imapflow falls back to NOOP polling on servers
 * without it), a full check every `pollMs` anyway, and a reconnect with capped exponential
 * back-off whenever the connection drops. Each new message is committed to the database before
 * it is flagged and moved to `folderDone`, so a crash at any point repeats at most the flagging:
 * the commit itself is recognised as a duplicate by its Message-ID.
 */
export class MailboxWatcher {
  private client: ImapFlow | undefined;
  private loop: Promise<void> | undefined;
  private stopped = true;
  private wake: (() => void) | undefined;
  /** New mail was announced while we were busy: check again without waiting. */
  private pending = false;
  private readonly failures = new Map<number, number>();

  constructor(private readonly options: MailboxWatcherOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Lets the message in hand finish (commit and mark), then logs out; forces the connection shut after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const loop = this.loop ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    if ((await Promise.race([loop.then(() => 'done' as const), late])) === 'late') this.client?.close();
    clearTimeout(timer);
    await loop;
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    const minBackoff = this.options.minBackoffMs ?? 1_000;
    const maxBackoff = this.options.maxBackoffMs ?? 300_000;
    // Failures in a row since the last connection that worked.
    let failures = 0;
    const wait = () => backoff(failures + 1, { baseMs: minBackoff, maxMs: maxBackoff });
    while (!this.stopped) {
      try {
        await this.session(() => (failures = 0));
      } catch (error) {
        if (this.stopped) break;
        logger.warn({ err: error, retryInMs: wait() }, 'IMAP connection lost or refused; reconnecting');
      }
      if (this.stopped) break;
      const waitMs = wait();
      failures += 1;
      await this.sleep(waitMs);
    }
  }

  /** One connection's life: connect, then check and wait in turns until it drops or we stop. */
  private async session(connected: () => void): Promise<void> {
    const { server, folder, folderDone } = this.options;
    const client = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: server.secure,
      auth: { user: server.user ?? '', pass: server.password ?? '' },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
      socketTimeout: 5 * 60_000,
    });
    this.client = client;
    // A dropped connection surfaces as an 'error' and a 'close'; without a listener 'error' would crash the process.
    client.on('error', () => undefined);
    client.on('close', () => this.wake?.());
    client.on('exists', () => {
      this.pending = true;
      this.wake?.();
    });
    try {
      await client.connect();
      connected();
      this.options.logger.info({ host: server.host, folder }, 'IMAP connected');
      await this.ensureFolder(client, folderDone);
      const lock = await client.getMailboxLock(folder);
      try {
        let sweep = true;
        while (!this.stopped && client.usable) {
          await this.checkMailbox(client, sweep);
          sweep = false;
          if (this.stopped || !client.usable) break;
          if (!this.pending) await this.idleUntilNews(client);
        }
      } finally {
        lock.release();
      }
    } finally {
      this.client = undefined;
      client.close();
    }
    if (!this.stopped) throw new Error('IMAP connection closed');
  }

  /**
   * IDLE until the server announces mail (or a full check is due), then end it with a NOOP. The
   * NOOP is sent only once IDLE has really begun: a command queued just before would wait behind
   * IDLE for good, which is how a busy machine used to stall the watcher.
   */
  private async idleUntilNews(client: ImapFlow): Promise<void> {
    let settled = false;
    const idle = client
      .idle()
      .catch(() => undefined)
      .finally(() => (settled = true));
    await this.sleep(this.options.pollMs, true);
    const deadline = Date.now() + 10_000;
    while (!settled && !client.idling && client.usable && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (!settled) {
      if (client.idling && client.usable) await client.noop().catch(() => undefined);
      else client.close(); // IDLE never began: start over on a fresh connection rather than wait on it
    }
    await idle;
  }

  private async ensureFolder(client: ImapFlow, path: string): Promise<void> {
    const folders = await client.list();
    if (folders.some((f) => f.path === path)) return;
    await client.mailboxCreate(path);
  }

  /**
   * Commits and marks every new message. With `sweep` (once per connection) it looks at every
   * message left in the folder, also below the saved position: what a crash between the commit
   * and the move leaves behind (unflagged, or flagged but not moved).
   */
  private async checkMailbox(client: ImapFlow, sweep: boolean): Promise<void> {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('no mailbox selected');
    this.pending = false;
    const uidValidity = String(mailbox.uidValidity);
    const saved = await this.options.loadPosition();
    let uids: number[];
    if (saved && saved.uidValidity === uidValidity && !sweep) {
      uids = ((await client.search({ uid: `${saved.lastUid + 1}:*` }, { uid: true })) || []).filter((uid) => uid > saved.lastUid);
    } else {
      // First run, a new connection, or the server renumbered the folder: processed mail has been
      // moved out, so whatever is still here is new to us or was interrupted. Duplicates are caught
      // by Message-ID, and a message already flagged only needs its move finished.
      if (saved && saved.uidValidity !== uidValidity)
        this.options.logger.warn({ was: saved.uidValidity, now: uidValidity }, 'IMAP UIDVALIDITY changed; re-scanning the folder');
      uids = (await client.search({ all: true }, { uid: true })) || [];
    }
    let last = saved && saved.uidValidity === uidValidity ? saved.lastUid : 0;
    for (const uid of uids.sort((a, b) => a - b)) {
      if (this.stopped || !client.usable) return;
      const message = await client.fetchOne(String(uid), { source: true, uid: true, flags: true }, { uid: true });
      // biome-ignore lint/complexity/useOptionalChain: fetchOne answers false, which an optional chain does not narrow away
      if (!message || !message.source) continue;
      const position = { uidValidity, lastUid: Math.max(last, uid) };
      if (message.flags?.has(PROCESSED_FLAG)) {
        // Committed and flagged before a crash, never moved: finish the move.
        await client.messageMove(String(uid), this.options.folderDone, { uid: true });
        continue;
      }
      try {
        await this.options.commit(message.source, position);
      } catch (error) {
        const attempts = (this.failures.get(uid) ?? 0) + 1;
        this.failures.set(uid, attempts);
        if (attempts < MAX_ATTEMPTS_PER_MESSAGE) throw error;
        // Said once; the message stays unmarked in the inbox and is tried again on every pass.
        if (attempts === MAX_ATTEMPTS_PER_MESSAGE)
          this.options.logger.error(
            { err: error, uid },
            'email could not be processed after several attempts; left in the inbox and skipped',
          );
        continue;
      }
      this.failures.delete(uid);
      last = position.lastUid;
      await client.messageFlagsAdd(String(uid), ['\\Seen', PROCESSED_FLAG], { uid: true });
      await client.messageMove(String(uid), this.options.folderDone, { uid: true });
    }
  }

  private sleep(ms: number, untilNewMail = false): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped || (untilNewMail && this.pending)) return resolve();
      const timer = setTimeout(done, ms);
      timer.unref();
      const wake = (this.wake = done);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      void wake;
    });
  }
}
