-- One job queue (issue 14): the outbox's deliveries become jobs of kind 'message.deliver',
-- ordered per conversation by ordering_key. What was still pending keeps its place and attempts.
ALTER TABLE "jobs" ADD COLUMN "ordering_key" text;--> statement-breakpoint
INSERT INTO "jobs" ("kind", "key", "payload", "run_at", "status", "attempts", "locked_until", "last_error", "done_at", "ordering_key", "created_at")
SELECT 'message.deliver', 'deliver:' || "message_id", jsonb_build_object('messageId', "message_id"),
       CASE WHEN "status" = 'pending' THEN '1970-01-01T00:00:00Z'::timestamptz ELSE "next_attempt_at" END,
       CASE "status" WHEN 'sent' THEN 'done' ELSE "status" END,
       "attempts", NULL, "last_error", "sent_at", "conversation_id"::text, "created_at"
FROM "outbox" ORDER BY "id"
ON CONFLICT ("key") DO NOTHING;--> statement-breakpoint
DROP TABLE "outbox" CASCADE;--> statement-breakpoint
CREATE INDEX "jobs_ordering_pending_idx" ON "jobs" USING btree ("ordering_key","id") WHERE "jobs"."status" = 'pending' and "jobs"."ordering_key" is not null;
