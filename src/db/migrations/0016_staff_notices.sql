CREATE TABLE "staff_notices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dedup_key" text NOT NULL,
	"kind" text NOT NULL,
	"case_id" bigint NOT NULL,
	"department_id" integer NOT NULL,
	"to_address" text NOT NULL,
	"percent" integer,
	"due_at" timestamp with time zone,
	"sheet_id" bigint,
	"ack_link" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	"outcome" text,
	"staff_mail_id" bigint,
	CONSTRAINT "staff_notices_dedup_key_unique" UNIQUE("dedup_key")
);
--> statement-breakpoint
ALTER TABLE "staff_notices" ADD CONSTRAINT "staff_notices_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notices" ADD CONSTRAINT "staff_notices_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notices" ADD CONSTRAINT "staff_notices_staff_mail_id_staff_mails_id_fk" FOREIGN KEY ("staff_mail_id") REFERENCES "public"."staff_mails"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_notices_pending_idx" ON "staff_notices" USING btree ("to_address","department_id") WHERE "staff_notices"."settled_at" is null;