import { backoff } from '../../backoff.js';

/** Something that can receive one JSON frame: a WebSocket, or a test double of one. */
export interface Socket {
  send(data: string): void;
  readonly readyState: number;
}

const OPEN = 1;

/**
 * How every instance hears of a message for a browser, whichever instance sent it: PostgreSQL
 * NOTIFY / LISTEN (see src/server/webchat-bus.ts). `publish` resolves once the database took it.
 */
export interface PushBus {
  publish(payload: string): Promise<void>;
  listen(onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

/** A message's frame read back from the database, for a push too big to travel whole. */
export type FrameLookup = (conversationId: string, messageId: string) => Promise<unknown>;

/** NOTIFY payloads must stay under 8000 bytes; a frame bigger than this travels as its message's id. */
export const MAX_INLINE_FRAME_BYTES = 7000;

interface Push {
  conversationId: string;
  messageId: string;
  frame?: unknown;
}

/**
 * The browsers connected to each web chat conversation on this instance, and the way to reach
 * those connected to any instance. A browser that is not connected anywhere catches up from the
 * history on reconnect.
 */
export class WebChatHub {
  private readonly sockets = new Map<string, Set<Socket>>();

  constructor(private readonly options: { bus?: PushBus; lookup?: FrameLookup; onError?: (error: unknown) => void } = {}) {}

  add(conversationId: string, socket: Socket): () => void {
    let set = this.sockets.get(conversationId);
    if (!set) this.sockets.set(conversationId, (set = new Set()));
    set.add(socket);
    return () => {
      set.delete(socket);
      if (set.size === 0) this.sockets.delete(conversationId);
    };
  }

  /** Sends a frame to this instance's sockets of the conversation; returns how many received it. */
  push(conversationId: string, frame: unknown): number {
    const sockets = this.sockets.get(conversationId);
    if (!sockets) return 0;
    const json = JSON.stringify(frame);
    let sent = 0;
    for (const socket of sockets) {
      if (socket.readyState !== OPEN) continue;
      socket.send(json);
      sent += 1;
    }
    return sent;
  }

  /**
   * Hands a message to every instance (this one included, through the same bus), so it reaches
   * the browser wherever it is connected. Throws when the bus does, so the delivery is retried.
   */
  async broadcast(conversationId: string, messageId: string, frame: unknown): Promise<void> {
    const { bus } = this.options;
    if (!bus) {
      this.push(conversationId, frame);
      return;
    }
    const whole = JSON.stringify({ conversationId, messageId, frame } satisfies Push);
    const payload =
      Buffer.byteLength(whole) <= MAX_INLINE_FRAME_BYTES ? whole : JSON.stringify({ conversationId, messageId } satisfies Push);
    await bus.publish(payload);
  }

  /**
   * Starts hearing every instance's broadcasts; resolves to the way to stop. A database that does
   * not answer now does not stop the instance from starting: the hub keeps trying in the background.
   */
  async listen(): Promise<() => Promise<void>> {
    const { bus, onError } = this.options;
    if (!bus) return async () => undefined;
    let stopped = false;
    let unlisten: (() => Promise<void>) | undefined;
    let retry: NodeJS.Timeout | undefined;
    const onPayload = (payload: string) => {
      this.deliver(payload).catch((error: unknown) => onError?.(error));
    };
    const attempt = async (failures: number): Promise<void> => {
      try {
        const stop = await bus.listen(onPayload);
        if (stopped) await stop();
        else unlisten = stop;
      } catch (error) {
        onError?.(error);
        if (stopped) return;
        retry = setTimeout(() => void attempt(failures + 1), backoff(failures + 1, { baseMs: 500, maxMs: 30_000 }));
        retry.unref();
      }
    };
    await attempt(0);
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await unlisten?.();
    };
  }

  private async deliver(payload: string): Promise<void> {
    const push = readPush(payload);
    // Most broadcasts are for browsers connected elsewhere: nothing to read or send here.
    if (!push || !this.sockets.has(push.conversationId)) return;
    const frame = push.frame ?? (await this.options.lookup?.(push.conversationId, push.messageId));
    if (frame) this.push(push.conversationId, frame);
  }

  connections(conversationId: string): number {
    return this.sockets.get(conversationId)?.size ?? 0;
  }
}

function readPush(payload: string): Push | null {
  try {
    const value = JSON.parse(payload) as Partial<Push>;
    return typeof value.conversationId === 'string' && typeof value.messageId === 'string' ? (value as Push) : null;
  } catch {
    return null;
  }
}
