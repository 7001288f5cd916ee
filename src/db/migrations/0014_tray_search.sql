-- The tray's search (issue 18): folio, description and the citizen's name, e-mail and phone digits,
-- matched by trigrams (pg_trgm), so any part of a word or a number finds its cases, accents and
-- case ignored (unaccent). Both extensions are trusted (PostgreSQL 13+): the database's owner may
-- create them; PGlite loads them from its contrib bundle (src/db/pglite-init.ts).
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- unaccent() is only STABLE (its dictionary could change); naming the dictionary and its schema
-- fixes the result, which is what IMMUTABLE promises. The search normalizes what it looks for
-- with this same function, so both sides are written alike.
CREATE OR REPLACE FUNCTION ventanilla_search_text(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;--> statement-breakpoint
-- One searchable text per case. Per-table indexes (case text OR citizen ids) were measured first:
-- a two-word name at 500,000 cases took ~1 s, as the second word's citizen ids (thousands) were
-- a linear `= ANY(array)` filter on every row the first word found; one column is one GIN lookup.
CREATE OR REPLACE FUNCTION ventanilla_case_search_text(folio text, description text, name text, email text, phone text)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ventanilla_search_text(concat_ws(' ', folio, description, name, email,
                                               nullif(regexp_replace(coalesce(phone, ''), '\D', '', 'g'), ''))) $$;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE "cases" c SET "search_text" = ventanilla_case_search_text(c.folio, c.description, z.name, z.email, z.phone)
  FROM "citizens" z WHERE z.id = c.citizen_id;--> statement-breakpoint
-- A case takes its citizen's words when written; a citizen's new name, contact or erasure
-- rewrites their cases' text, so the search never finds what the citizen no longer is.
CREATE OR REPLACE FUNCTION ventanilla_case_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT ventanilla_case_search_text(NEW.folio, NEW.description, z.name, z.email, z.phone) INTO NEW.search_text
    FROM citizens z WHERE z.id = NEW.citizen_id;
  NEW.search_text := coalesce(NEW.search_text, ventanilla_case_search_text(NEW.folio, NEW.description, NULL, NULL, NULL));
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER cases_search_text BEFORE INSERT OR UPDATE OF folio, description, citizen_id ON cases
  FOR EACH ROW EXECUTE FUNCTION ventanilla_case_search_row();--> statement-breakpoint
CREATE OR REPLACE FUNCTION ventanilla_citizen_search_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases SET search_text = ventanilla_case_search_text(folio, description, NEW.name, NEW.email, NEW.phone)
    WHERE citizen_id = NEW.id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER citizens_search_text AFTER UPDATE OF name, email, phone ON citizens
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email OR OLD.phone IS DISTINCT FROM NEW.phone)
  EXECUTE FUNCTION ventanilla_citizen_search_rows();--> statement-breakpoint
CREATE INDEX "cases_search_idx" ON "cases" USING gin ("search_text" gin_trgm_ops);
