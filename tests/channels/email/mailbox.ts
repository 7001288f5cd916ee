import { ImapFlow } from 'imapflow';
import type { Dovecot } from '../../helpers/dovecot.js';

/** Builds an RFC 5322 message with CRLF line ends; headers in order, body as given. */
export function rawMail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`;
}

let counter = 0;
export function messageId(): string {
  counter++;
  return `<prueba-${Date.now().toString(36)}-${counter}@vecinos.example>`;
}

export function plainMail(options: { from?: string; subject: string; body: string; id?: string; extra?: Record<string, string> }): string {
  return rawMail(
    {
      From: options.from ?? 'María López <maria.lopez@vecinos.example>',
      To: 'Atención Ciudadana <atencion@municipio.example>',
      Subject: options.subject,
      Date: 'Tue, 10 Mar 2026 09:30:00 -0600',
      'Message-ID': options.id ?? messageId(),
      'MIME-Version': '1.0',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Transfer-Encoding': '8bit',
      ...options.extra,
    },
    options.body,
  );
}

/** The citizen's side of the mailbox: puts mail in the inbox by IMAP APPEND, and looks at folders. */
export class Mailbox {
  constructor(private readonly dovecot: Dovecot) {}

  private async with<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({
      host: this.dovecot.host,
      port: this.dovecot.port,
      secure: false,
      auth: { user: this.dovecot.user, pass: this.dovecot.password },
      logger: false,
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  async deliver(...raws: string[]): Promise<void> {
    await this.with(async (client) => {
      for (const raw of raws) await client.append('INBOX', Buffer.from(raw, 'utf8'));
    });
  }

  async deliverBytes(raw: Buffer): Promise<void> {
    await this.with(async (client) => void (await client.append('INBOX', raw)));
  }

  /** UIDs and flags of the messages in a folder (empty when it does not exist). */
  async list(folder: string): Promise<Array<{ uid: number; flags: string[]; messageId: string | undefined }>> {
    return this.with(async (client) => {
      const exists = (await client.list()).some((f) => f.path === folder);
      if (!exists) return [];
      const lock = await client.getMailboxLock(folder);
      try {
        const out: Array<{ uid: number; flags: string[]; messageId: string | undefined }> = [];
        for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true })) {
          out.push({ uid: m.uid, flags: [...(m.flags ?? [])], messageId: m.envelope?.messageId });
        }
        return out;
      } catch {
        return [];
      } finally {
        lock.release();
      }
    });
  }

  /** Puts a processed message back in the inbox, unflagged or not: the states a crash between commit and move leaves. */
  async putBack(folder: string, uid: number, options: { keepFlags?: boolean } = {}): Promise<void> {
    await this.with(async (client) => {
      const lock = await client.getMailboxLock(folder);
      try {
        if (!options.keepFlags) await client.messageFlagsRemove(String(uid), ['\\Seen', '$Ventanilla'], { uid: true });
        await client.messageMove(String(uid), 'INBOX', { uid: true });
      } finally {
        lock.release();
      }
    });
  }

  async empty(): Promise<void> {
    await this.with(async (client) => {
      for (const folder of ['INBOX', 'Procesados']) {
        if (!(await client.list()).some((f) => f.path === folder)) continue;
        const lock = await client.getMailboxLock(folder);
        try {
          if (client.mailbox ? client.mailbox.exists : 0) await client.messageDelete('1:*');
        } finally {
          lock.release();
        }
      }
    });
  }
}

export async function waitUntil<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
