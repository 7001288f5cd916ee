import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundMessage } from '../../src/messages/inbound.js';
import { DeliveryRefused, type ChannelSender, type Delivery } from '../../src/messages/delivery.js';
import { DELIVERIES } from '../../src/server/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { TURNS } from '../helpers/webchat-traffic.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, as far as a scraper reads it: `# TYPE` lines and samples with their labels. */
function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice('# TYPE '.length).split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { types, samples };
}

function sumOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

class StandInTelegram implements ChannelSender {
  refuse = false;
  async send(delivery: Delivery) {
    if (this.refuse) throw new DeliveryRefused('chat not found');
    return { externalId: `tg-${delivery.messageId}` };
  }
}

const telegram = new StandInTelegram();
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ senders: new Map([['telegram', telegram]]) });
});
afterAll(async () => app?.close());

async function scrape(app: TestApp, options: { headers?: Record<string, string>; remoteAddress?: string } = {}) {
  return app.app.inject({ method: 'GET', url: '/metrics', ...options });
}

async function metrics() {
  const res = await scrape(app);
  expect(res.statusCode).toBe(200);
  return parseMetrics(res.body);
}

let seq = 0;
async function webChat(texts: readonly string[]) {
  const opened = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
  expect(opened.statusCode).toBe(201);
  const { conversationId, token } = opened.json() as { conversationId: string; token: string };
  for (const text of texts) {
    const res = await app.app.inject({
      method: 'POST',
      url: `/api/webchat/conversations/${conversationId}/messages`,
      headers: { authorization: `Bearer ${token}` },
      payload: { clientMessageId: `metrics-${++seq}`, text },
    });
    expect(res.statusCode).toBe(200);
  }
}

describe(`GET /metrics on ${databaseKind}`, () => {
  it('speaks the Prometheus text format with every metric operators watch', async () => {
    const res = await scrape(app);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types, samples } = parseMetrics(res.body);
    expect(Object.fromEntries([...types].filter(([name]) => name.startsWith('ventanilla_')))).toEqual({
      ventanilla_inbound_messages_total: 'counter',
      ventanilla_turn_duration_seconds: 'histogram',
      ventanilla_replies_sent_total: 'counter',
      ventanilla_replies_failed_total: 'counter',
      ventanilla_queue_due_jobs: 'gauge',
      ventanilla_queue_oldest_due_seconds: 'gauge',
      ventanilla_outbox_due_messages: 'gauge',
      ventanilla_outbox_oldest_due_seconds: 'gauge',
      ventanilla_cases_overdue: 'gauge',
      ventanilla_cases_opened_total: 'counter',
      ventanilla_db_pool_connections: 'gauge',
      ventanilla_db_pool_waiting: 'gauge',
    });
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    for (const name of ['ventanilla_queue_due_jobs', 'ventanilla_outbox_due_messages', 'ventanilla_cases_overdue']) {
      expect(samples.some((s) => s.name === name)).toBe(true);
    }
    expect(sumOf(samples, 'ventanilla_db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(databaseKind === 'pglite' ? 1 : 0);
  });

  it('counts web chat messages, their turns and the case they open', async () => {
    const before = (await metrics()).samples;
    await webChat(TURNS);
    const after = (await metrics()).samples;
    const inbound = (s: Sample[]) => sumOf(s, 'ventanilla_inbound_messages_total', { channel: 'web' });
    const turns = (s: Sample[]) => sumOf(s, 'ventanilla_turn_duration_seconds_count', { channel: 'web', outcome: 'stored' });
    const cases = (s: Sample[]) => sumOf(s, 'ventanilla_cases_opened_total');
    expect(inbound(after) - inbound(before)).toBe(TURNS.length);
    expect(turns(after) - turns(before)).toBe(TURNS.length);
    expect(cases(after) - cases(before)).toBe(1);
    const bucket = after.find(
      (s) => s.name === 'ventanilla_turn_duration_seconds_bucket' && s.labels.le === '+Inf' && s.labels.channel === 'web',
    );
    expect(bucket?.value).toBe(turns(after));
  });

  it('counts a retried message once, and its turn as a duplicate', async () => {
    const inbound = InboundMessage.parse({
      channel: 'telegram',
      channelUserId: 'm-dup',
      conversationKey: 'm-dup',
      externalId: 'm-dup-1',
      text: 'hola',
      receivedAt: new Date(),
    });
    const before = (await metrics()).samples;
    await app.conversations.receive(inbound);
    await app.conversations.receive(inbound);
    const after = (await metrics()).samples;
    const of = (s: Sample[], name: string, labels: Record<string, string>) => sumOf(s, name, { channel: 'telegram', ...labels });
    expect(of(after, 'ventanilla_inbound_messages_total', {}) - of(before, 'ventanilla_inbound_messages_total', {})).toBe(1);
    const duplicates = (s: Sample[]) => of(s, 'ventanilla_turn_duration_seconds_count', { outcome: 'duplicate' });
    expect(duplicates(after) - duplicates(before)).toBe(1);
  });

  it('shows replies waiting in the outbox, then counts them sent or failed', async () => {
    await app.queue.runDue(DELIVERIES);
    const result = await app.conversations.receive(
      InboundMessage.parse({
        channel: 'telegram',
        channelUserId: 'm-out',
        conversationKey: 'm-out',
        externalId: 'm-out-1',
        text: 'hola',
        receivedAt: new Date(),
      }),
    );
    const waiting = (await metrics()).samples;
    expect(sumOf(waiting, 'ventanilla_outbox_due_messages')).toBeGreaterThanOrEqual(result.replies.length);
    expect(sumOf(waiting, 'ventanilla_queue_due_jobs')).toBeGreaterThanOrEqual(sumOf(waiting, 'ventanilla_outbox_due_messages'));
    expect(sumOf(waiting, 'ventanilla_outbox_oldest_due_seconds')).toBeGreaterThanOrEqual(0);

    await app.queue.runDue(DELIVERIES);
    const delivered = (await metrics()).samples;
    expect(sumOf(delivered, 'ventanilla_outbox_due_messages')).toBe(0);
    expect(sumOf(delivered, 'ventanilla_outbox_oldest_due_seconds')).toBe(0);
    const sent = (s: Sample[]) => sumOf(s, 'ventanilla_replies_sent_total', { channel: 'telegram' });
    expect(sent(delivered) - sent(waiting)).toBe(result.replies.length);

    telegram.refuse = true;
    try {
      await app.conversations.receive(
        InboundMessage.parse({
          channel: 'telegram',
          channelUserId: 'm-out',
          conversationKey: 'm-out',
          externalId: 'm-out-2',
          text: 'Juan Pérez',
          receivedAt: new Date(),
        }),
      );
      await app.queue.runDue(DELIVERIES);
    } finally {
      telegram.refuse = false;
    }
    const refused = (await metrics()).samples;
    expect(sumOf(refused, 'ventanilla_replies_failed_total', { channel: 'telegram', reason: 'refused' })).toBeGreaterThanOrEqual(1);
  });

  it('answers only this machine when no token is set', async () => {
    expect((await scrape(app, { remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await scrape(app, { remoteAddress: '::1' })).statusCode).toBe(200);
    expect((await scrape(app, { remoteAddress: '::ffff:127.0.0.1' })).statusCode).toBe(200);
    expect((await scrape(app, { remoteAddress: '203.0.113.9' })).statusCode).toBe(403);
    expect((await scrape(app, { remoteAddress: '10.1.2.3' })).statusCode).toBe(403);
  });

  it('has a panel in the Grafana dashboard for every metric of its own', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string; datasource: { uid: string } }> }>;
    };
    const targets = dashboard.panels.flatMap((panel) => panel.targets);
    expect(new Set(targets.map((target) => target.datasource.uid))).toEqual(new Set([`\${DS_PROMETHEUS}`]));
    const exprs = targets.map((target) => target.expr).join('\n');
    const { types } = parseMetrics((await scrape(app)).body);
    for (const name of [...types.keys()].filter((n) => n.startsWith('ventanilla_'))) expect(exprs).toContain(name);
    expect(exprs).toContain('nodejs_eventloop_lag');
  });

  it('stays out of the OpenAPI document', async () => {
    const doc = (await app.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });
});

describe('GET /metrics with METRICS_TOKEN and METRICS_ALLOW', () => {
  const TOKEN = 'un-token-de-metricas-largo';
  let guarded: TestApp;
  beforeAll(async () => {
    guarded = await createTestApp({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => guarded?.close());

  it('asks for the token as a bearer, from any address', async () => {
    expect((await scrape(guarded)).statusCode).toBe(401);
    expect((await scrape(guarded, { headers: { authorization: 'Bearer not-the-token' } })).statusCode).toBe(401);
    expect((await scrape(guarded, { headers: { authorization: TOKEN } })).statusCode).toBe(401);
    const ok = await scrape(guarded, { headers: { authorization: `Bearer ${TOKEN}` }, remoteAddress: '203.0.113.9' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# TYPE ventanilla_inbound_messages_total counter');
  });

  it('answers only the admin network of METRICS_ALLOW', async () => {
    const network = await createTestApp({ env: { METRICS_ALLOW: '10.0.0.0/8, fd00::/8' }, database: guarded.database });
    try {
      expect((await scrape(network, { remoteAddress: '10.20.30.40' })).statusCode).toBe(200);
      expect((await scrape(network, { remoteAddress: 'fd00::5' })).statusCode).toBe(200);
      expect((await scrape(network, { remoteAddress: '127.0.0.1' })).statusCode).toBe(403);
      expect((await scrape(network, { remoteAddress: '192.168.1.1' })).statusCode).toBe(403);
    } finally {
      await network.close();
    }
  });

  it('refuses a malformed METRICS_ALLOW at start', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({ METRICS_ALLOW: '10.0.0.0/40' })).toThrow(/METRICS_ALLOW/);
    expect(() => loadConfig({ METRICS_ALLOW: 'intranet' })).toThrow(/METRICS_ALLOW/);
    expect(() => loadConfig({ METRICS_TOKEN: 'corto' })).toThrow(/METRICS_TOKEN/);
  });
});
