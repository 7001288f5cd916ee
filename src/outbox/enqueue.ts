import { getTableColumns, sql, type SQLWrapper } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { messages, type Message } from '../db/schema.js';
import type { Channel } from '../messages/inbound.js';
import { OutboundMessage, type OutboundMessageInput } from '../messages/outbound.js';
import { AS_SOON_AS_POSSIBLE, jobsFromRows } from '../queue/enqueue.js';

/** The queue's kind for sending one outbound message on its channel. */
export const DELIVER_JOB = 'message.deliver';

const DELIVERY_KEY_PREFIX = 'deliver:';
export const deliveryKey = (messageId: number) => `${DELIVERY_KEY_PREFIX}${messageId}`;

export interface EnqueueInput {
  conversationId: string;
  channel: Channel;
  message: OutboundMessageInput;
  inReplyTo?: number | undefined;
  caseId?: number | undefined;
}

/**
 * Writes the message and its delivery job in the caller's transaction: if the state change that
 * produced the reply commits, the reply will be sent; if it rolls back, nothing is sent. A
 * conversation's messages leave in the order they were written.
 */
export async function enqueueOutbound(tx: Executor, input: EnqueueInput): Promise<Message> {
  const [row] = await enqueueOutboundMany(tx, input, [input.message]);
  return row!;
}

export interface OutboundBatch {
  conversationId: string;
  channel: Channel;
  inReplyTo?: number | undefined;
  caseId?: number | undefined;
  /**
   * The replies go back in the caller's own response (the web chat's HTTP answer): they are
   * stored, and no delivery job is written, so nothing can push them a second time.
   */
  deliveredInline?: boolean | undefined;
}

/**
 * A turn's replies and their delivery jobs, in the order given, in one statement — together with
 * `alongside`, another write of the same turn (its conversation's new state), so an ordinary
 * turn's effects cost one round trip.
 */
export async function enqueueOutboundMany(
  tx: Executor,
  batch: OutboundBatch,
  replies: readonly OutboundMessageInput[],
  alongside?: SQLWrapper,
): Promise<Message[]> {
  if (replies.length === 0) {
    if (alongside) await tx.execute(alongside.getSQL());
    return [];
  }
  const values = sql.join(
    replies.map((input) => {
      const message = OutboundMessage.parse(input);
      const payload = message.prompt ? { prompt: message.prompt } : {};
      return sql`(${batch.conversationId}::uuid, 'out', ${batch.channel}, ${message.author}, ${message.text}, ${JSON.stringify(payload)}::jsonb, ${batch.inReplyTo ?? null}::bigint, ${batch.caseId ?? null}::bigint)`;
    }),
    sql`, `,
  );
  const jobsFor = batch.deliveredInline
    ? undefined
    : jobsFromRows(
        sql`select ${DELIVER_JOB} as kind, ${DELIVERY_KEY_PREFIX} || id as key, ${AS_SOON_AS_POSSIBLE.toISOString()}::timestamptz as run_at,
              jsonb_build_object('messageId', id) as payload, conversation_id::text as ordering_key from written order by id`,
      );
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`with ${alongside ? sql`alongside as (${alongside.getSQL()}), ` : sql``}written as (
          insert into ${messages} (conversation_id, direction, channel, author, text, payload, in_reply_to, case_id)
          values ${values} returning *)
        ${jobsFor ? sql`, ${jobsFor.cte}` : sql``}
        select written.*${jobsFor ? sql`, ${jobsFor.notify} as notified` : sql``} from written order by id`,
  );
  return rows.map(messageFromRow);
}

const messageColumns = Object.entries(getTableColumns(messages));

/** A row of a raw statement, read as drizzle reads its own: column names to fields, driver values mapped. */
function messageFromRow(row: Record<string, unknown>): Message {
  const message: Record<string, unknown> = {};
  for (const [field, column] of messageColumns) {
    const value = row[column.name];
    message[field] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return message as Message;
}
