CREATE TABLE "citizen_contacts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"citizen_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "citizen_merge_proposals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"citizen_id" bigint NOT NULL,
	"other_citizen_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" integer
);
--> statement-breakpoint
ALTER TABLE "citizens" ADD COLUMN "merged_into" bigint;--> statement-breakpoint
ALTER TABLE "citizen_contacts" ADD CONSTRAINT "citizen_contacts_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "citizen_merge_proposals" ADD CONSTRAINT "citizen_merge_proposals_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "citizen_merge_proposals" ADD CONSTRAINT "citizen_merge_proposals_other_citizen_id_citizens_id_fk" FOREIGN KEY ("other_citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "citizen_merge_proposals" ADD CONSTRAINT "citizen_merge_proposals_decided_by_staff_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "citizen_contacts_citizen_value_uq" ON "citizen_contacts" USING btree ("citizen_id","kind","value");--> statement-breakpoint
CREATE INDEX "citizen_contacts_value_idx" ON "citizen_contacts" USING btree ("kind","value");--> statement-breakpoint
CREATE UNIQUE INDEX "citizen_merge_proposals_pair_uq" ON "citizen_merge_proposals" USING btree ("citizen_id","other_citizen_id");--> statement-breakpoint
CREATE INDEX "citizen_merge_proposals_pending_idx" ON "citizen_merge_proposals" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
-- The records already kept: the contact points their channels prove, and typed ones already in E.164
-- (a national number needs the region, which SQL does not know: it is noted when next given).
INSERT INTO "citizen_contacts" ("citizen_id", "kind", "value", "verified")
SELECT DISTINCT ON (citizen_id, kind, value) citizen_id, kind, value, verified
FROM (
  SELECT i.citizen_id, 'phone' AS kind,
    CASE WHEN i.channel_user_id ~ '^521[0-9]{10}$' THEN '+52' || substr(i.channel_user_id, 4)
         WHEN i.channel_user_id ~ '^549[0-9]{10}$' THEN '+54' || substr(i.channel_user_id, 4)
         ELSE '+' || i.channel_user_id END AS value,
    true AS verified
  FROM "citizen_identities" i WHERE i.channel = 'whatsapp' AND i.channel_user_id ~ '^[0-9]{6,15}$'
  UNION ALL
  SELECT i.citizen_id, 'phone', i.channel_user_id, true FROM "citizen_identities" i
  WHERE i.channel = 'sms' AND i.channel_user_id ~ '^\+[0-9]{6,15}$'
  UNION ALL
  SELECT i.citizen_id, 'email', lower(i.channel_user_id), true FROM "citizen_identities" i
  WHERE i.channel = 'email' AND i.channel_user_id ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
  UNION ALL
  SELECT c.id, 'phone', c.phone, false FROM "citizens" c WHERE c.erased_at IS NULL AND c.phone ~ '^\+[0-9]{6,15}$'
  UNION ALL
  SELECT c.id, 'email', lower(trim(c.email)), false FROM "citizens" c
  WHERE c.erased_at IS NULL AND trim(c.email) ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
) points
ORDER BY citizen_id, kind, value, verified DESC
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "citizen_merge_proposals" ("citizen_id", "other_citizen_id", "kind", "value")
SELECT DISTINCT ON (a.citizen_id, b.citizen_id) a.citizen_id, b.citizen_id, a.kind, a.value
FROM "citizen_contacts" a
JOIN "citizen_contacts" b ON b.kind = a.kind AND b.value = a.value AND b.citizen_id > a.citizen_id AND (a.verified OR b.verified)
JOIN "citizens" ca ON ca.id = a.citizen_id AND ca.erased_at IS NULL
JOIN "citizens" cb ON cb.id = b.citizen_id AND cb.erased_at IS NULL
ORDER BY a.citizen_id, b.citizen_id, a.kind DESC
ON CONFLICT DO NOTHING;
