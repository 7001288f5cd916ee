import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../src/db/client.js';
import { jobs, type Job } from '../../src/db/schema.js';
import { DELIVER_JOB, deliveryKey } from '../../src/outbox/enqueue.js';

/** The queue's job that sends one outbound message. */
export async function deliveryJobOf(ex: Executor, messageId: number | string): Promise<Job> {
  const [job] = await ex
    .select()
    .from(jobs)
    .where(eq(jobs.key, deliveryKey(Number(messageId))));
  if (!job) throw new Error(`no delivery job for message ${messageId}`);
  return job;
}

/** Every delivery job, optionally only those of one status or one conversation. */
export function deliveryJobs(ex: Executor, filter: { status?: Job['status']; conversationId?: string } = {}): Promise<Job[]> {
  return ex
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.kind, DELIVER_JOB),
        filter.status ? eq(jobs.status, filter.status) : undefined,
        filter.conversationId ? eq(jobs.orderingKey, filter.conversationId) : undefined,
      ),
    )
    .orderBy(jobs.id);
}
