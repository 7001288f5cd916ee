CREATE TABLE "channel_state" (
	"channel" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_state_channel_key_pk" PRIMARY KEY("channel","key")
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "delivery_status" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "delivery_status_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "delivery_error" text;--> statement-breakpoint
CREATE INDEX "messages_outbound_external_idx" ON "messages" USING btree ("channel","external_id") WHERE "messages"."direction" = 'out';