import type { DownloadedMedia } from './inbound.js';

export interface GraphClientOptions {
  graphRoot: string;
  graphVersion: string;
  phoneNumberId: string;
  accessToken: string;
  timeoutMs?: number;
  /** Bigger files are not fetched (attachments live in the database). */
  maxMediaBytes?: number;
}

/** The Graph API answered with an error: the platform said no (or, for 429/5xx, not now). */
export class GraphApiError extends Error {
  override name = 'GraphApiError';
  constructor(
    readonly httpStatus: number,
    readonly code: number | undefined,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The request never got an answer (DNS, refused connection, timeout). */
export class GraphNetworkError extends Error {
  override name = 'GraphNetworkError';
}

/** The media was too large to keep; the message is stored without it. */
export class MediaTooLarge extends Error {
  override name = 'MediaTooLarge';
}

/** Meta's error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes). */
export const GRAPH_CODES = {
  /** More than 24 hours since the citizen last wrote: only a template may be sent. */
  reEngagement: 131047,
  throttled: [4, 80007, 130429, 131048, 131056],
  unavailable: [1, 2, 131000, 131016],
  /** The access token expired or was revoked: the install's fault, fixed by the IT person, not the message's. */
  badToken: [190],
} as const;

export type GraphMessage = Record<string, unknown> & { type: string };

/** Thin transport to the WhatsApp Cloud API: sends messages and fetches media. */
export class GraphClient {
  private readonly timeoutMs: number;
  private readonly maxMediaBytes: number;

  constructor(private readonly options: GraphClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxMediaBytes = options.maxMediaBytes ?? 16 * 1024 * 1024;
  }

  /** Sends one message; returns its `wamid`. */
  async sendMessage(to: string, message: GraphMessage): Promise<string> {
    const body = { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message };
    const response = await this.request(this.url(`${this.options.phoneNumberId}/messages`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json().catch(() => null)) as { messages?: Array<{ id?: string }> } | null;
    const id = json?.messages?.[0]?.id;
    if (!id) throw new GraphApiError(response.status, undefined, 'the Graph API accepted the message but returned no message id');
    return id;
  }

  /** Two steps, as Meta documents: the media id gives a short-lived URL, which needs the token too. */
  async downloadMedia(mediaId: string): Promise<DownloadedMedia> {
    const meta = await this.request(this.url(encodeURIComponent(mediaId)), { method: 'GET' });
    const info = (await meta.json().catch(() => null)) as { url?: string; mime_type?: string; file_size?: number } | null;
    if (!info?.url) throw new GraphApiError(meta.status, undefined, `media ${mediaId} has no download URL`);
    if (info.file_size !== undefined && info.file_size > this.maxMediaBytes)
      throw new MediaTooLarge(`media ${mediaId} is ${info.file_size} bytes`);
    const file = await this.request(info.url, { method: 'GET' });
    const data = new Uint8Array(await file.arrayBuffer());
    if (data.byteLength > this.maxMediaBytes) throw new MediaTooLarge(`media ${mediaId} is ${data.byteLength} bytes`);
    const contentType = (info.mime_type ?? file.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
    return { contentType, data };
  }

  private url(path: string): string {
    return `${this.options.graphRoot}/${this.options.graphVersion}/${path}`;
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.options.accessToken}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new GraphNetworkError(`Graph API unreachable: ${describeCause(error)}`);
    }
    if (response.ok) return response;
    const json = (await response.json().catch(() => null)) as {
      error?: { code?: number; message?: string; error_data?: { details?: string } };
    } | null;
    const code = json?.error?.code;
    const detail = json?.error?.error_data?.details ?? json?.error?.message ?? response.statusText;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new GraphApiError(
      response.status,
      code,
      `WhatsApp Graph API ${response.status}${code !== undefined ? ` (code ${code})` : ''}: ${detail}`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
}

function describeCause(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(error);
}
