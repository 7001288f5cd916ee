import { sql } from 'drizzle-orm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReceiveObserver } from '../conversations/service.js';
import { queryRows, type Database } from '../db/client.js';
import { caseFigureChanges, caseFigures, cases, jobs, openCaseSql } from '../db/schema.js';
import { DeliveryFailed, DeliveryRefused, type ChannelSender } from '../messages/delivery.js';
import { DELIVER_JOB } from '../outbox/enqueue.js';

export interface MetricsDeps {
  database: Database;
  now: () => Date;
}

/** Seconds a turn may take, from a quick answer to one stuck behind a slow commit. */
const TURN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What operators watch (issue 21), in a registry of this instance's own: tests build several
 * apps in one process, and the global registry would mix them. Counters move with the traffic;
 * the gauges of the database (queue, overdue cases, cases by type) are read on scrape with one
 * cheap statement each, so every instance reports the same cluster-wide numbers.
 */
export function createMetrics({ database, now }: MetricsDeps) {
  const registry = new Registry();
  // Node's own: event-loop delay (nodejs_eventloop_lag_*), heap, GC, handles.
  collectDefaultMetrics({ register: registry });

  const inbound = new Counter({
    name: 'ventanilla_inbound_messages_total',
    help: 'Messages and documents received from citizens and stored (retries of one already stored are not counted), by channel.',
    labelNames: ['channel'],
    registers: [registry],
  });
  const turns = new Histogram({
    name: 'ventanilla_turn_duration_seconds',
    help: 'Time of one conversation turn (store, decide, apply, queue the replies), by channel and outcome.',
    labelNames: ['channel', 'outcome'],
    buckets: TURN_BUCKETS,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'ventanilla_replies_sent_total',
    help: 'Outbox deliveries the channel accepted, by channel.',
    labelNames: ['channel'],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'ventanilla_replies_failed_total',
    help: 'Outbox delivery attempts that failed, by channel and reason (refused: never retried; failed: retried later; error: anything else).',
    labelNames: ['channel', 'reason'],
    registers: [registry],
  });

  const queueDue = gauge(registry, 'ventanilla_queue_due_jobs', 'Jobs of every kind that are due and not yet done.');
  const queueAge = gauge(registry, 'ventanilla_queue_oldest_due_seconds', 'How long the oldest due job has waited (0 when none is due).');
  const outboxDue = gauge(registry, 'ventanilla_outbox_due_messages', 'Replies waiting for delivery.');
  const outboxAge = gauge(
    registry,
    'ventanilla_outbox_oldest_due_seconds',
    'How long the oldest reply waiting for delivery has waited (0 when none).',
  );
  const overdue = gauge(registry, 'ventanilla_cases_overdue', 'Open cases past their due date.');
  // Cases are never deleted, so their count per type only grows: a counter, read from the database.
  const opened = new Counter({
    name: 'ventanilla_cases_opened_total',
    help: 'Cases opened since the start, on every channel and by staff, by type (read from the database).',
    labelNames: ['type'],
    registers: [registry],
  });
  const pool = new Gauge({
    name: 'ventanilla_db_pool_connections',
    help: 'Database connections of this instance, in use and idle (the embedded database is one connection, always in use).',
    labelNames: ['state'],
    registers: [registry],
  });
  const poolWaiting = gauge(registry, 'ventanilla_db_pool_waiting', 'Queries of this instance waiting for a free database connection.');

  const observer: ReceiveObserver = {
    received({ channel, outcome, seconds }) {
      if (outcome === 'stored') inbound.inc({ channel });
      turns.observe({ channel, outcome }, seconds);
    },
  };

  /** The sender, counting what it delivers and what fails; it sends exactly as before. */
  function countDeliveries(channel: string, sender: ChannelSender): ChannelSender {
    return {
      async send(delivery) {
        try {
          const result = await sender.send(delivery);
          sent.inc({ channel });
          return result;
        } catch (error) {
          const reason = error instanceof DeliveryRefused ? 'refused' : error instanceof DeliveryFailed ? 'failed' : 'error';
          failed.inc({ channel, reason });
          throw error;
        }
      },
    };
  }

  /** Reads the database's gauges; called on every scrape, before rendering. */
  async function refresh(): Promise<void> {
    const at = now();
    const { db } = database;
    // A job enqueued "as soon as possible" has run_at = epoch: its wait starts when it was written.
    const waitedSince = sql`greatest(${jobs.runAt}, ${jobs.createdAt})`;
    const [queue] = await queryRows<{ due: number; oldest: unknown; outbox_due: number; outbox_oldest: unknown }>(
      db,
      sql`select count(*)::int as due, min(${waitedSince}) as oldest,
            count(*) filter (where ${jobs.kind} = ${DELIVER_JOB})::int as outbox_due,
            min(${waitedSince}) filter (where ${jobs.kind} = ${DELIVER_JOB}) as outbox_oldest
          from ${jobs} where ${jobs.status} = 'pending' and ${jobs.runAt} <= ${at.toISOString()}::timestamptz`,
    );
    queueDue.set(queue?.due ?? 0);
    queueAge.set(secondsSince(queue?.oldest, at));
    outboxDue.set(queue?.outbox_due ?? 0);
    outboxAge.set(secondsSince(queue?.outbox_oldest, at));

    const [late] = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from ${cases} where ${openCaseSql} and ${cases.dueAt} < ${at.toISOString()}::timestamptz`,
    );
    overdue.set(late?.count ?? 0);

    // From the dashboard's hourly sums (kept by triggers, ADR 0019), not a count of every case ever opened.
    const byType = await queryRows<{ type: string; count: number }>(
      db,
      sql`select type, sum(cases)::bigint::int as count
          from (select type, cases from ${caseFigures} where kind = 'opened'
                union all select type, cases from ${caseFigureChanges} where kind = 'opened') opened
          group by 1`,
    );
    opened.reset();
    for (const row of byType) opened.inc({ type: row.type }, row.count);

    const stats = database.poolStats?.() ?? { total: 0, idle: 0, waiting: 0 };
    pool.set({ state: 'in_use' }, stats.total - stats.idle);
    pool.set({ state: 'idle' }, stats.idle);
    poolWaiting.set(stats.waiting);
  }

  /** The Prometheus text of everything above, the database's gauges read now. */
  async function render(): Promise<string> {
    await refresh();
    return registry.metrics();
  }

  return { registry, observer, countDeliveries, render, contentType: registry.contentType };
}

export type Metrics = ReturnType<typeof createMetrics>;

function gauge(registry: Registry, name: string, help: string): Gauge {
  return new Gauge({ name, help, registers: [registry] });
}

/** The drivers give a timestamp as a Date or a string; a clock behind the rows' own reads 0, not a negative wait. */
function secondsSince(value: unknown, at: Date): number {
  if (value === null || value === undefined) return 0;
  const since = value instanceof Date ? value : new Date(String(value));
  const seconds = (at.getTime() - since.getTime()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}
