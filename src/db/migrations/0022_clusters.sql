ALTER TABLE "cases" ADD COLUMN "cluster_parent_id" bigint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "place_key" text;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "cluster_radius_m" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_cluster_parent_id_cases_id_fk" FOREIGN KEY ("cluster_parent_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_cluster_geo_idx" ON "cases" USING btree ("category_id","latitude","longitude") WHERE "cases"."status" not in ('cerrado', 'no_procede') and "cases"."cluster_parent_id" is null and "cases"."latitude" is not null;--> statement-breakpoint
CREATE INDEX "cases_cluster_place_idx" ON "cases" USING btree ("category_id","place_key") WHERE "cases"."status" not in ('cerrado', 'no_procede') and "cases"."cluster_parent_id" is null and "cases"."place_key" is not null;--> statement-breakpoint
CREATE INDEX "cases_cluster_parent_idx" ON "cases" USING btree ("cluster_parent_id") WHERE "cases"."cluster_parent_id" is not null;--> statement-breakpoint
-- The default municipality's categories, as the seed now writes them: a street light is one spot, garbage a block.
UPDATE "categories" SET "cluster_radius_m" = CASE "code"
  WHEN 'alumbrado-publico' THEN 50 WHEN 'baches-pavimento' THEN 30 WHEN 'recoleccion-basura' THEN 300
  WHEN 'agua-drenaje' THEN 100 WHEN 'parques-jardines' THEN 100 END
WHERE "code" IN ('alumbrado-publico', 'baches-pavimento', 'recoleccion-basura', 'agua-drenaje', 'parques-jardines');
