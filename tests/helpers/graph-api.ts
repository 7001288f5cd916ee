import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  phoneNumberId: string;
  body: Record<string, unknown> & { to: string; type: string };
  wamid: string;
}

export interface GraphError {
  status: number;
  code: number;
  message: string;
}

/**
 * A stand-in for Meta's Graph API on 127.0.0.1 speaking its wire format: it records what is
 * sent to `POST /{version}/{phone-number-id}/messages`, serves media metadata and bytes, and
 * answers 401 (code 190) to a wrong access token, as the real one does.
 */
export async function startGraphApi(options: {
  accessToken: string;
  version: string;
  /** The business phone number `GET /{version}/{phone-number-id}` describes (what `ventanilla doctor` reads). */
  phoneNumber?: { id: string; display: string; verifiedName: string };
}) {
  const sent: SentMessage[] = [];
  const media = new Map<string, { mimeType: string; data: Buffer }>();
  const failures: GraphError[] = [];
  const mediaFailures: number[] = [];
  const wamids: string[] = [];
  let url = '';

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => json(response, 500, { error: { message: String(error) } }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) {
      return json(response, 401, {
        error: {
          message: 'Invalid OAuth access token - Cannot parse access token',
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'stand-in',
        },
      });
    }
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const send = new RegExp(`^/${options.version}/(\\d+)/messages$`).exec(path);
    if (request.method === 'POST' && send) {
      const body = JSON.parse(await readBody(request)) as SentMessage['body'] & { messaging_product?: string };
      if (body.messaging_product !== 'whatsapp' || !body.to || !body.type) {
        return json(response, 400, { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } });
      }
      const failure = failures.shift();
      if (failure)
        return json(response, failure.status, {
          error: {
            message: failure.message,
            type: 'OAuthException',
            code: failure.code,
            error_data: { messaging_product: 'whatsapp', details: failure.message },
          },
        });
      const wamid = wamids.shift() ?? `wamid.${randomBytes(12).toString('base64url')}`;
      sent.push({ phoneNumberId: send[1]!, body, wamid });
      return json(response, 200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: wamid }],
      });
    }
    const phone = options.phoneNumber;
    if (request.method === 'GET' && phone && path === `/${options.version}/${phone.id}`) {
      return json(response, 200, {
        verified_name: phone.verifiedName,
        display_phone_number: phone.display,
        id: phone.id,
        quality_rating: 'GREEN',
      });
    }
    const mediaInfo = new RegExp(`^/${options.version}/([^/]+)$`).exec(path);
    const mediaFailure = request.method === 'GET' && mediaInfo ? mediaFailures.shift() : undefined;
    if (mediaFailure)
      return json(response, mediaFailure, {
        error: {
          message: 'An unexpected error has occurred. Please retry your request later.',
          type: 'OAuthException',
          code: 2,
          is_transient: true,
        },
      });
    if (request.method === 'GET' && mediaInfo && media.has(decodeURIComponent(mediaInfo[1]!))) {
      const id = decodeURIComponent(mediaInfo[1]!);
      const file = media.get(id)!;
      return json(response, 200, {
        messaging_product: 'whatsapp',
        url: `${url}/media-download/${encodeURIComponent(id)}?ext=1`,
        mime_type: file.mimeType,
        sha256: 'x',
        file_size: file.data.byteLength,
        id,
      });
    }
    const download = /^\/media-download\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && download && media.has(decodeURIComponent(download[1]!))) {
      const file = media.get(decodeURIComponent(download[1]!))!;
      response.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.data.byteLength });
      return response.end(file.data);
    }
    return json(response, 404, {
      error: { message: `Unsupported request: ${request.method} ${path}`, type: 'GraphMethodException', code: 100 },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    sent,
    /** Makes the next message sends answer with these errors, in order. */
    failNext(...errors: GraphError[]) {
      failures.push(...errors);
    },
    /** The ids the next accepted messages get (random otherwise). */
    useWamids(...ids: string[]) {
      wamids.push(...ids);
    },
    /** Makes the next media look-ups answer with these HTTP statuses (e.g. 503), in order. */
    failNextMedia(...statuses: number[]) {
      mediaFailures.push(...statuses);
    },
    addMedia(id: string, mimeType: string, data: Buffer) {
      media.set(id, { mimeType, data });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type GraphApi = Awaited<ReturnType<typeof startGraphApi>>;

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
