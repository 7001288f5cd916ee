/**
 * Web chat citizens writing without pause to a started server, as browsers do: each message has
 * its own clientMessageId and is sent again, with the same id, until the server acknowledges it
 * (a 503, a refused connection or a timeout are retried; anything else is recorded). Tests then
 * check in the database that every acknowledged message was stored exactly once.
 */

/** One conversation's worth of turns, repeated: the last one opens a case, and the next starts another. */
export const TURNS = ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'Juan Pérez', '5512345678', 'omitir', 'sí'];
const REQUEST_TIMEOUT_MS = 15_000;
/** A browser's pause before sending again; short, so the test sees recovery quickly. */
const RETRY_PAUSE_MS = 100;

export interface Attempt {
  status: number | 'network' | 'timeout';
  ms: number;
  at: number;
  retryAfter: string | null;
  code?: string;
}

export interface ChatTraffic {
  /** Every clientMessageId the server answered with a 2xx, with what it was. */
  readonly acknowledged: Map<string, { conversationId: string; text: string }>;
  /** Conversations the server answered 201 for. */
  readonly conversations: Set<string>;
  /** Every request and how it ended, in order. */
  readonly attempts: Attempt[];
  /**
   * Stops sending new messages and waits until each citizen's message in flight is acknowledged;
   * after `timeoutMs` the citizens give up and it rejects.
   */
  stop(timeoutMs?: number): Promise<void>;
}

type Outcome = { ok: true; body: Record<string, unknown> } | { ok: false };

export function startChatTraffic(baseUrl: () => string, chats: number): ChatTraffic {
  const acknowledged = new Map<string, { conversationId: string; text: string }>();
  const conversations = new Set<string>();
  const attempts: Attempt[] = [];
  let stopping = false;
  let abandoned = false;

  async function send(path: string, body: unknown, token?: string): Promise<Outcome> {
    const started = performance.now();
    const at = Date.now();
    try {
      const res = await fetch(baseUrl() + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      const code = (json.error as { code?: string } | undefined)?.code;
      attempts.push({
        status: res.status,
        ms: performance.now() - started,
        at,
        retryAfter: res.headers.get('retry-after'),
        ...(code ? { code } : {}),
      });
      return res.ok ? { ok: true, body: json } : { ok: false };
    } catch (error) {
      const timeout = (error as Error).name === 'TimeoutError';
      attempts.push({ status: timeout ? 'timeout' : 'network', ms: performance.now() - started, at, retryAfter: null });
      return { ok: false };
    }
  }

  async function untilAcknowledged(path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
    for (;;) {
      if (abandoned) throw new Error('abandoned');
      const outcome = await send(path, body, token);
      if (outcome.ok) return outcome.body;
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }

  async function citizen(): Promise<void> {
    const opened = await untilAcknowledged('/api/webchat/conversations', {});
    const id = opened.conversationId as string;
    const token = opened.token as string;
    conversations.add(id);
    for (let turn = 0; !stopping; turn++) {
      const clientMessageId = crypto.randomUUID();
      const text = TURNS[turn % TURNS.length]!;
      await untilAcknowledged(`/api/webchat/conversations/${id}/messages`, { clientMessageId, text }, token);
      acknowledged.set(clientMessageId, { conversationId: id, text });
    }
  }

  const running = Promise.allSettled(Array.from({ length: chats }, () => citizen()));
  return {
    acknowledged,
    conversations,
    attempts,
    stop: async (timeoutMs = 60_000) => {
      stopping = true;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      const outcome = await Promise.race([running, late]);
      clearTimeout(timer);
      if (outcome !== 'late') return;
      abandoned = true;
      await running;
      throw new Error(`citizens' last messages still unacknowledged after ${timeoutMs} ms`);
    },
  };
}

/** Polls `probe` until it returns something truthy; a condition, never a fixed sleep. */
export async function waitUntil<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
