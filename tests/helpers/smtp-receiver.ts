import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './dovecot.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/**
 * An SMTP server on 127.0.0.1 that records what Ventanilla sends. `refuse` makes it answer
 * recipients with a permanent 550; `stop()`/`start()` take it away and bring it back on the same port.
 */
export interface SmtpReceiver {
  port: number;
  url: string;
  mails: ReceivedMail[];
  refuse: Set<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Waits until at least `count` mails arrived (real time: mail is asynchronous). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
}

/**
 * `ignoreRecipients`: mail addressed only to matching addresses is accepted and dropped, so a
 * test about citizens' mail is not disturbed by the follow-up's mail to departments.
 */
export async function startSmtpReceiver(options: { ignoreRecipients?: RegExp } = {}): Promise<SmtpReceiver> {
  const port = await freePort();
  const mails: ReceivedMail[] = [];
  const refuse = new Set<string>();
  let server: SMTPServer | undefined;

  async function start() {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (refuse.has(address.address.toLowerCase())) {
          const error = Object.assign(new Error('5.1.1 Buzón inexistente'), { responseCode: 550 });
          return callback(error);
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              const recipients = session.envelope.rcptTo.map((r) => r.address);
              if (options.ignoreRecipients && recipients.every((address) => options.ignoreRecipients!.test(address))) return callback();
              mails.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                raw: raw.toString('utf8'),
                parsed,
              });
              callback();
            })
            .catch(callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    // smtp-server re-emits a client's dropped connection (ECONNRESET when a test kills Ventanilla mid-mail) on the server:
    // expected, and without a listener it would be an uncaught exception in the test process.
    server.on('error', () => undefined);
  }
  async function stop() {
    const current = server;
    server = undefined;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  }
  await start();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse,
    start,
    stop,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${mails.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return mails;
    },
  };
}
