ALTER TABLE "cases" ADD COLUMN "assigned_role" text DEFAULT 'responsable' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "assigned_user_id" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "received_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "received_by" integer;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "default_type" text;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_assigned_user_id_staff_users_id_fk" FOREIGN KEY ("assigned_user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_received_by_staff_users_id_fk" FOREIGN KEY ("received_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;