import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BOT_TOKEN = '123456789:AAH-stand-in-token_for-tests-only';

export interface RecordedCall {
  method: string;
  params: Record<string, any>;
  /** When it arrived, on the clock the test gave the stand-in. */
  at: number;
}

interface ApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

interface StoredFile {
  bytes: Uint8Array;
  path: string;
}

/**
 * A Telegram Bot API server on 127.0.0.1 speaking the real wire format
 * (https://core.telegram.org/bots/api#making-requests): `/bot<token>/<method>` with JSON or form
 * parameters, answers `{ok:true,result}` or `{ok:false,error_code,description,parameters}`, long
 * polling through getUpdates, getFile and `/file/bot<token>/<path>`. It records every call and
 * answers errors on demand (a 429 with retry_after, a 403 from a blocked chat…).
 */
export interface SentMessage {
  message_id: number;
  from: Record<string, unknown>;
  chat: { id: number; type: string };
  date: number;
  text: string;
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
}

export class TelegramStandIn {
  readonly calls: RecordedCall[] = [];
  /** Messages the bot sent, as Telegram returned them, with the parameters they were sent with. */
  readonly sent: Array<{ message: SentMessage; params: Record<string, any>; at: number }> = [];
  private server: Server | undefined;
  private updates: Array<Record<string, unknown>> = [];
  private nextUpdateId = 1000;
  private nextMessageId = 1;
  private readonly files = new Map<string, StoredFile>();
  private readonly failures: Array<{ method: string; error: ApiError }> = [];
  private waiters = new Set<() => void>();
  /** While down, connections are cut without an answer: Telegram unreachable. */
  down = false;
  webhook: { url: string; secret_token?: string } | undefined;

  constructor(
    private readonly token = BOT_TOKEN,
    private readonly clock: () => number = Date.now,
  ) {}

  get apiRoot(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Queues an update for getUpdates; returns it with its update_id. */
  pushUpdate<T extends Record<string, unknown>>(update: T): T & { update_id: number } {
    const full = { update_id: this.nextUpdateId++, ...update };
    this.updates.push(full);
    for (const wake of this.waiters) wake();
    return full;
  }

  /** A file the bot can fetch with getFile. */
  addFile(fileId: string, bytes: Uint8Array, path = `photos/${fileId}.jpg`): void {
    this.files.set(fileId, { bytes, path });
  }

  /** The next call of `method` fails with this Bot API error. */
  failNext(method: string, error: ApiError): void {
    this.failures.push({ method, error });
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the bot sent to a chat, in order. */
  sentTo(chatId: number) {
    return this.sent.filter((s) => s.message.chat.id === chatId);
  }

  private async route(req: IncomingMessage, res: ServerResponse) {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.serveFile(file[1]!, decodeURIComponent(file[2]!), res);
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!api) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (api[1] !== this.token) return this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = api[2]!;
    const params = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
    this.calls.push({ method, params, at: this.clock() });

    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure !== -1) {
      const { error } = this.failures.splice(failure, 1)[0]!;
      return this.reply(res, error.error_code, { ok: false, ...error });
    }
    switch (method) {
      case 'getMe':
        return this.ok(res, { id: 123456789, is_bot: true, first_name: 'Ventanilla', username: 'ventanilla_test_bot' });
      case 'getUpdates':
        return this.getUpdates(params, req, res);
      case 'sendMessage': {
        const message: SentMessage = {
          message_id: this.nextMessageId++,
          from: { id: 123456789, is_bot: true, first_name: 'Ventanilla' },
          chat: { id: Number(params.chat_id), type: 'private' },
          date: Math.floor(Date.now() / 1000),
          text: String(params.text),
          ...(params.reply_markup?.inline_keyboard ? { reply_markup: params.reply_markup } : {}),
        };
        this.sent.push({ message, params, at: this.clock() });
        return this.ok(res, message);
      }
      case 'getFile': {
        const stored = this.files.get(String(params.file_id));
        if (!stored) return this.reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
        return this.ok(res, {
          file_id: params.file_id,
          file_unique_id: `u-${params.file_id}`,
          file_size: stored.bytes.byteLength,
          file_path: stored.path,
        });
      }
      case 'setWebhook':
        this.webhook = { url: params.url, secret_token: params.secret_token };
        return this.ok(res, true);
      case 'deleteWebhook':
        this.webhook = undefined;
        return this.ok(res, true);
      default:
        // answerCallbackQuery, editMessageReplyMarkup, setMyCommands…
        return this.ok(res, true);
    }
  }

  private async getUpdates(params: Record<string, any>, req: IncomingMessage, res: ServerResponse) {
    if (this.webhook)
      return this.reply(res, 409, {
        ok: false,
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    const offset = params.offset !== undefined ? Number(params.offset) : undefined;
    // Asking from an offset confirms everything before it, as Telegram does.
    if (offset !== undefined) this.updates = this.updates.filter((u) => (u.update_id as number) >= offset);
    const timeoutMs = Math.min(Number(params.timeout ?? 0), 5) * 1000;
    if (this.updates.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          req.socket.off('close', wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        this.waiters.add(wake);
        req.socket.once('close', wake);
      });
    }
    if (res.destroyed) return;
    const limit = Number(params.limit ?? 100);
    return this.ok(res, this.updates.slice(0, limit));
  }

  private serveFile(token: string, path: string, res: ServerResponse) {
    if (token !== this.token) return this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const stored = [...this.files.values()].find((f) => f.path === path);
    if (!stored) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.bytes.byteLength });
    res.end(Buffer.from(stored.bytes));
  }

  private ok(res: ServerResponse, result: unknown) {
    return this.reply(res, 200, { ok: true, result });
  }

  private reply(res: ServerResponse, status: number, body: unknown) {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

async function readParams(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  if (!body) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(body) as Record<string, any>;
  if (type.includes('application/x-www-form-urlencoded')) {
    // Telegram takes structured parameters form-encoded as JSON strings.
    return Object.fromEntries([...new URLSearchParams(body)].map(([k, v]) => [k, parseMaybeJson(v)]));
  }
  return {};
}

function parseMaybeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Builders for the updates Telegram sends from a private chat. */
export class TelegramUser {
  private nextMessageId = 1;
  constructor(
    readonly id: number,
    readonly firstName = 'Ana',
  ) {}

  private base(extra: Record<string, unknown>) {
    return {
      message_id: this.nextMessageId++,
      from: { id: this.id, is_bot: false, first_name: this.firstName, language_code: 'es' },
      chat: { id: this.id, first_name: this.firstName, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    };
  }

  text(text: string) {
    const command = /^\/\w+/.exec(text);
    return {
      message: this.base({ text, ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}) }),
    };
  }

  photo(fileId: string, caption?: string) {
    return {
      message: this.base({
        photo: [
          { file_id: `${fileId}-small`, file_unique_id: `${fileId}-s`, file_size: 1200, width: 90, height: 67 },
          { file_id: fileId, file_unique_id: `${fileId}-l`, file_size: 48_000, width: 1280, height: 960 },
        ],
        ...(caption ? { caption } : {}),
      }),
    };
  }

  location(latitude: number, longitude: number) {
    return { message: this.base({ location: { latitude, longitude } }) };
  }

  venue(latitude: number, longitude: number, title: string, address: string) {
    return { message: this.base({ location: { latitude, longitude }, venue: { location: { latitude, longitude }, title, address } }) };
  }

  contact(phone: string) {
    return { message: this.base({ contact: { phone_number: phone, first_name: this.firstName, user_id: this.id } }) };
  }

  sticker(fileId: string) {
    return {
      message: this.base({
        sticker: {
          file_id: fileId,
          file_unique_id: `${fileId}-u`,
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: '👍',
          file_size: 20_000,
        },
      }),
    };
  }

  /** A press on an inline button under the bot message `message` (as the stand-in recorded it). */
  press(botMessage: { message_id: number; text: string; reply_markup?: unknown }, data: string) {
    return {
      callback_query: {
        id: `cb-${this.id}-${this.nextMessageId++}`,
        from: { id: this.id, is_bot: false, first_name: this.firstName },
        chat_instance: '-123',
        data,
        message: {
          message_id: botMessage.message_id,
          from: { id: 123456789, is_bot: true, first_name: 'Ventanilla' },
          chat: { id: this.id, type: 'private' },
          date: Math.floor(Date.now() / 1000),
          text: botMessage.text,
          reply_markup: botMessage.reply_markup,
        },
      },
    };
  }
}
