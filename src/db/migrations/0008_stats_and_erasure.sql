ALTER TABLE "cases" ADD COLUMN "first_answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "citizens" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "case_events_pending_contact_idx" ON "case_events" USING btree ("case_id","id") WHERE "case_events"."type" = 'case.answer_pending_contact';--> statement-breakpoint
CREATE INDEX "case_events_reopened_idx" ON "case_events" USING btree ("case_id") WHERE "case_events"."type" = 'case.reopened';--> statement-breakpoint
CREATE INDEX "case_surveys_case_idx" ON "case_surveys" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "cases_created_idx" ON "cases" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "cases_department_created_idx" ON "cases" USING btree ("department_id","created_at");--> statement-breakpoint
CREATE INDEX "cases_status_created_idx" ON "cases" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_open_newest_idx" ON "cases" USING btree ("created_at","id") WHERE "cases"."status" not in ('cerrado', 'no_procede');--> statement-breakpoint
CREATE INDEX "cases_open_urgent_idx" ON "cases" USING btree ("emergency" DESC NULLS FIRST,"due_at","id") WHERE "cases"."status" not in ('cerrado', 'no_procede');--> statement-breakpoint
CREATE INDEX "cases_category_idx" ON "cases" USING btree ("category_id");--> statement-breakpoint
CREATE INDEX "cases_assigned_user_idx" ON "cases" USING btree ("assigned_user_id") WHERE "cases"."assigned_user_id" is not null;--> statement-breakpoint
UPDATE "cases" SET "first_answered_at" = "answered"."at"
FROM (
  SELECT "case_id", min("created_at") AS "at" FROM "case_events"
  WHERE "type" IN ('case.replied', 'case.closed', 'case.rejected')
  GROUP BY "case_id"
) AS "answered"
WHERE "answered"."case_id" = "cases"."id";
