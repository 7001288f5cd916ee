DROP INDEX "audit_log_subject_idx";--> statement-breakpoint
CREATE INDEX "audit_log_subject_ids_idx" ON "audit_log" USING gin (string_to_array("subject_id", ','));--> statement-breakpoint
CREATE INDEX "conversations_last_inbound_idx" ON "conversations" USING btree ("last_inbound_at","id");