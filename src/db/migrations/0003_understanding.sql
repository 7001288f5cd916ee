CREATE TABLE "attention_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"detail" text,
	"case_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "labelled_examples" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"message_id" bigint,
	"channel" text NOT NULL,
	"field" text NOT NULL,
	"text" text NOT NULL,
	"predicted" text,
	"chosen" text NOT NULL,
	"confidence" real,
	"review" text DEFAULT 'pending' NOT NULL,
	"reviewed_by" integer,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attention_log" ADD CONSTRAINT "attention_log_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attention_log" ADD CONSTRAINT "attention_log_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labelled_examples" ADD CONSTRAINT "labelled_examples_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labelled_examples" ADD CONSTRAINT "labelled_examples_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labelled_examples" ADD CONSTRAINT "labelled_examples_reviewed_by_staff_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attention_log_created_idx" ON "attention_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "attention_log_conversation_idx" ON "attention_log" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "labelled_examples_review_idx" ON "labelled_examples" USING btree ("review","id");