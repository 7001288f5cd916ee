import { Telegram, TelegramError } from 'telegraf';

/** Telegram answered and said no (bad request, blocked by the user, too many requests). */
export class TelegramRefused extends Error {
  override name = 'TelegramRefused';
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
    /** From a 429: how long Telegram asks us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(`Telegram ${method}: ${code} ${description}`);
  }
}

/** No usable answer: the network failed, Telegram had a server error, or the call timed out. */
export class TelegramUnreachable extends Error {
  override name = 'TelegramUnreachable';
}

export type Download = { ok: true; data: Uint8Array<ArrayBuffer> } | { ok: false; reason: string };

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The wire: Telegraf's API client pointed at `apiRoot`, with errors split by cause (as grammY
 * does) so the outbox knows what to retry. The token never appears in an error message.
 */
export function createTelegramClient(options: { token: string; apiRoot: string }) {
  const { token } = options;
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const telegram = new Telegram(token, { apiRoot: `${apiRoot}/` });
  const redact = (text: string) => text.split(token).join('[token]');

  async function call<T>(
    method: string,
    payload: Record<string, unknown>,
    opts: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<T> {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      return (await telegram.callApi(method as never, payload as never, { signal } as never)) as T;
    } catch (error) {
      if (error instanceof TelegramError && error.code < 500) {
        const retryAfter = (error.parameters as { retry_after?: number } | undefined)?.retry_after;
        throw new TelegramRefused(method, error.code, redact(error.description), retryAfter !== undefined ? retryAfter * 1000 : undefined);
      }
      throw new TelegramUnreachable(`Telegram ${method}: ${redact(String((error as Error).message ?? error))}`, { cause: error });
    }
  }

  /**
   * The bytes of a file, if Telegram still has them and they fit in `maxBytes`; `{ ok: false }`
   * when they never will (too big, gone). Network trouble throws, so the update is retried.
   */
  async function download(fileId: string, maxBytes: number, signal?: AbortSignal): Promise<Download> {
    let file: { file_path?: string; file_size?: number };
    try {
      file = await call('getFile', { file_id: fileId }, signal ? { signal } : {});
    } catch (error) {
      if (error instanceof TelegramRefused && error.code !== 429) return { ok: false, reason: error.message };
      throw error;
    }
    if (!file.file_path) return { ok: false, reason: 'Telegram gave no file path' };
    if (file.file_size !== undefined && file.file_size > maxBytes)
      return { ok: false, reason: `file is ${file.file_size} bytes, over ${maxBytes}` };
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS * 2);
    let response: Response;
    try {
      response = await fetch(`${apiRoot}/file/bot${token}/${file.file_path.split('/').map(encodeURIComponent).join('/')}`, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new TelegramUnreachable(`Telegram file download: ${redact(String((error as Error).message))}`, { cause: error });
    }
    if (response.status >= 500 || response.status === 429) throw new TelegramUnreachable(`Telegram file download: HTTP ${response.status}`);
    if (!response.ok) return { ok: false, reason: `file download answered HTTP ${response.status}` };
    const data = await readLimited(response, maxBytes);
    return data ? { ok: true, data } : { ok: false, reason: `file is over ${maxBytes} bytes` };
  }

  return { call, download };
}

export type TelegramClient = ReturnType<typeof createTelegramClient>;

async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
