import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { packageRoot } from '../src/paths.js';
import { REPORT } from './turns.js';
import { BOT_TOKEN, TelegramStandIn } from '../tests/helpers/telegram-stand-in.js';
import { startGraphApi } from '../tests/helpers/graph-api.js';
import { PHONE_NUMBER_ID, messagesFrom, text as waText } from '../tests/channels/whatsapp/webhook-payloads.js';

interface ProbeReading {
  loopMaxMs: number;
  loopP99Ms: number;
  statements: number;
  rssBytes: number;
  cpuMicros: number;
}

interface Running {
  url: string;
  probe(): Promise<ProbeReading>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a process that prints "listening on <url>" (Ventanilla or the no-op ceiling) with the probe preloaded. */
async function startProcess(args: string[], env: Record<string, string>): Promise<Running> {
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--import', './bench/server-probe.mjs', ...args], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start in 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(?:listening on|escuchando en) (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  const ask = <T>(message: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (answer) => resolve(answer as T));
      child.send(message);
    });
  return {
    url,
    probe: () => ask<ProbeReading>('read'),
    reset: async () => {
      await ask('reset');
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function post(base: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}${path}`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

class Sample {
  readonly latencies: number[] = [];
  errors = 0;
  private started = 0;
  private ended = 0;
  begin(): void {
    this.started = performance.now();
  }
  end(): void {
    this.ended = performance.now();
  }
  get perSecond(): number {
    return this.latencies.length / ((this.ended - this.started) / 1000);
  }
  pct(p: number): string {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(0);
  }
}

/** `workers` loops, each sending its next message when the last was answered (or at `paceMs`), for `seconds`. */
async function drive(seconds: number, workers: number, send: (worker: number) => Promise<number>, paceMs = 0): Promise<Sample> {
  const sample = new Sample();
  const deadline = performance.now() + seconds * 1000;
  sample.begin();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      // Spread paced workers over the interval rather than all at once.
      if (paceMs) await sleep((paceMs * worker) / workers);
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const status = await send(worker).catch(() => 0);
        if (status >= 200 && status < 300) sample.latencies.push(performance.now() - t0);
        else sample.errors += 1;
        if (paceMs) await sleep(t0 + paceMs - performance.now());
      }
    }),
  );
  sample.end();
  return sample;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Web chat citizens: each opens a conversation, reports, and starts another one. */
function webChatCitizens(base: string) {
  const state = new Map<number, { id: string; token: string; turn: number }>();
  let sequence = 0;
  return async (worker: number): Promise<number> => {
    let conversation = state.get(worker);
    if (!conversation || conversation.turn >= REPORT.length) {
      const opened = await post(base, '/api/webchat/conversations', '{}');
      if (opened.status !== 201) return opened.status;
      const body = JSON.parse(opened.body) as { conversationId: string; token: string };
      conversation = { id: body.conversationId, token: body.token, turn: 0 };
      state.set(worker, conversation);
    }
    const text = REPORT[conversation.turn++]!;
    const answer = await post(
      base,
      `/api/webchat/conversations/${conversation.id}/messages`,
      JSON.stringify({ clientMessageId: `bench-${++sequence}-${worker}`, text }),
      { authorization: `Bearer ${conversation.token}` },
    );
    return answer.status;
  };
}

const TELEGRAM_SECRET = 'bench-webhook-secret';

function telegramCitizens(base: string) {
  let updateId = 1;
  const turns = new Map<number, { chat: number; turn: number }>();
  let nextChat = 5_000_000;
  return async (worker: number): Promise<number> => {
    let chat = turns.get(worker);
    if (!chat || chat.turn >= REPORT.length) turns.set(worker, (chat = { chat: nextChat++, turn: 0 }));
    const update = {
      update_id: updateId++,
      message: {
        message_id: chat.turn + 1,
        from: { id: chat.chat, is_bot: false, first_name: 'Juan', language_code: 'es' },
        chat: { id: chat.chat, type: 'private', first_name: 'Juan' },
        date: Math.floor(Date.now() / 1000),
        text: REPORT[chat.turn++]!,
      },
    };
    return (await post(base, '/webhooks/telegram', JSON.stringify(update), { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET })).status;
  };
}

const WHATSAPP = { appSecret: 'bench-app-secret', accessToken: 'bench-access-token', version: 'v21.0', verifyToken: 'bench-verify' };

function whatsappCitizens(base: string) {
  const turns = new Map<number, { phone: string; turn: number }>();
  let nextPhone = 5215500000000;
  return async (worker: number): Promise<number> => {
    let citizen = turns.get(worker);
    if (!citizen || citizen.turn >= REPORT.length) turns.set(worker, (citizen = { phone: String(nextPhone++), turn: 0 }));
    const body = JSON.stringify(messagesFrom(citizen.phone, [waText(REPORT[citizen.turn++]!, new Date())]));
    const signature = `sha256=${createHmac('sha256', WHATSAPP.appSecret).update(body).digest('hex')}`;
    return (await post(base, '/webhooks/whatsapp', body, { 'x-hub-signature-256': signature })).status;
  };
}

export interface LoadOptions {
  /** Seconds of sustained load per path. */
  seconds: number;
  conversations: number;
  databaseUrl?: string | undefined;
  /** Ventanilla processes sharing the port (node cluster); needs a PostgreSQL server. */
  workers?: number;
}

/**
 * Throughput and latency through the real HTTP paths, against a no-op Fastify route measured in the
 * same run: the web chat, Telegram's and WhatsApp's webhooks, a paced 500 msg/s for the p99, and
 * the memory of 10,000 open chat sockets.
 */
export async function benchLoad(options: LoadOptions): Promise<Record<string, string>> {
  const figures: Record<string, string> = {};
  const label = options.databaseUrl
    ? `PostgreSQL${options.workers && options.workers > 1 ? `, ${options.workers} processes` : ''}`
    : 'PGlite';
  const seconds = options.seconds;

  const noop = await startProcess(['bench/noop-server.mjs'], {});
  const ceiling = await drive(Math.min(seconds, 10), options.conversations, () =>
    post(noop.url, '/noop', '{"hello":"world"}').then((r) => r.status),
  );
  await noop.stop();
  figures['no-op Fastify POST (ceiling), req/s'] = ceiling.perSecond.toFixed(0);

  const telegram = await new TelegramStandIn().start();
  const graph = await startGraphApi({ accessToken: WHATSAPP.accessToken, version: WHATSAPP.version });
  const dataDir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'ventanilla-load-'));
  const env: Record<string, string> = {
    ADMIN_PASSWORD: 'benchmark-password',
    WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE: '100000',
    WEBCHAT_MESSAGES_PER_MINUTE: '100000',
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    PUBLIC_URL: 'http://127.0.0.1:9',
    WHATSAPP_MODE: 'cloud',
    WHATSAPP_VERIFY_TOKEN: WHATSAPP.verifyToken,
    WHATSAPP_APP_SECRET: WHATSAPP.appSecret,
    WHATSAPP_ACCESS_TOKEN: WHATSAPP.accessToken,
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_GRAPH_ROOT: graph.url,
    WHATSAPP_GRAPH_VERSION: WHATSAPP.version,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { DATA_DIR: dataDir! }),
    ...(options.workers ? { WORKERS: String(options.workers) } : {}),
  };
  // BENCH_CPU_PROF=<folder> writes the server's V8 CPU profile there when it stops (read with bench/profile-summary.ts).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const server = await startProcess([...profile, 'dist/main.js'], env);
  try {
    const paths: Array<[string, (base: string) => (worker: number) => Promise<number>]> = [
      ['web chat', webChatCitizens],
      ['Telegram webhook', telegramCitizens],
      ['WhatsApp webhook', whatsappCitizens],
    ];
    // BENCH_PATHS=web,telegram limits the paths driven (to profile one of them).
    const wanted = process.env.BENCH_PATHS?.split(',');
    for (const [name, citizens] of paths.filter(([name]) => !wanted || wanted.some((w) => name.toLowerCase().startsWith(w)))) {
      await server.reset();
      const sample = await drive(seconds, options.conversations, citizens(server.url));
      const probe = await server.probe();
      figures[`${label}: ${name}, ${options.conversations} conversations, msg/s`] =
        `${sample.perSecond.toFixed(0)} (${((100 * sample.perSecond) / ceiling.perSecond).toFixed(1)} % of the ceiling; ${sample.errors} errors)`;
      figures[`${label}: ${name}, latency p50 / p99`] = `${sample.pct(0.5)} ms / ${sample.pct(0.99)} ms`;
      figures[`${label}: ${name}, longest event-loop stall`] = `${probe.loopMaxMs.toFixed(0)} ms`;
      if (options.databaseUrl && !options.workers)
        figures[`${label}: ${name}, statements per message`] = (probe.statements / sample.latencies.length).toFixed(1);
    }

    const paced = await drive(Math.min(seconds, 20), 50, webChatCitizens(server.url), 100);
    figures[`${label}: web chat paced at 500 msg/s, achieved / p99`] = `${paced.perSecond.toFixed(0)} msg/s / ${paced.pct(0.99)} ms`;

    if (!options.workers || options.workers === 1) {
      const sockets = await openChatSockets(server.url, 10_000);
      const probe = await server.probe();
      figures[`${label}: RSS with ${sockets.length} open chat sockets`] = `${(probe.rssBytes / 1048576).toFixed(0)} MB`;
      for (const socket of sockets) socket.terminate();
    }
  } finally {
    await server.stop();
    await telegram.close();
    await graph.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  return figures;
}

/** Opens `count` web chat conversations and a live socket to each, authenticated. */
async function openChatSockets(base: string, count: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  let opened = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (opened < count) {
        opened += 1;
        const response = await post(base, '/api/webchat/conversations', '{}');
        if (response.status !== 201) continue;
        const { conversationId, token } = JSON.parse(response.body) as { conversationId: string; token: string };
        const socket = new WebSocket(`${base.replace('http', 'ws')}/api/webchat/conversations/${conversationId}/ws`);
        await new Promise<void>((resolve) => {
          socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
          socket.once('message', () => resolve());
          socket.once('error', () => resolve());
          socket.once('close', () => resolve());
        });
        if (socket.readyState === WebSocket.OPEN) sockets.push(socket);
      }
    }),
  );
  return sockets;
}
