CREATE TABLE "case_figure_changes" (
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"department_id" integer NOT NULL,
	"category_id" integer NOT NULL,
	"type" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"tenth" integer NOT NULL,
	"cases" integer NOT NULL,
	"ms_sum" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_figures" (
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"department_id" integer NOT NULL,
	"category_id" integer NOT NULL,
	"type" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"tenth" integer NOT NULL,
	"cases" integer NOT NULL,
	"ms_sum" double precision NOT NULL,
	CONSTRAINT "case_figures_pk" PRIMARY KEY("kind","at","department_id","category_id","type","channel","status","tenth")
);

--> statement-breakpoint
-- What one case adds to the dashboard's figures (see case_figures in schema.ts). The expressions
-- are those of the direct counts in src/cases/stats.ts and dashboard.ts, so both give one number.
-- Arguments: created_at, closed_at, due_at, first_answered_at, department_id, category_id, type, channel, status.
CREATE OR REPLACE FUNCTION ventanilla_case_figures(timestamptz, timestamptz, timestamptz, timestamptz, integer, integer, text, text, text)
  RETURNS TABLE (kind text, at timestamptz, department_id integer, category_id integer, type text,
                 channel text, status text, tenth integer, ms double precision)
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT 'opened', date_trunc('hour', $1, 'UTC'), $5, $6, $7, $8, $9, 0, 0::float8
    UNION ALL
    SELECT 'concluded', date_trunc('hour', $2, 'UTC'), $5, 0, $7, $8, $9, 0, 0::float8
      WHERE $9 IN ('cerrado', 'no_procede') AND $2 IS NOT NULL
    UNION ALL
    SELECT 'due', date_trunc('hour', $3, 'UTC'), $5, 0, $7, $8,
      CASE WHEN $9 IN ('cerrado', 'no_procede') AND $2 <= $3 THEN 'on_time'
           WHEN $9 IN ('cerrado', 'no_procede') AND $2 > $3 THEN 'late'
           ELSE 'unanswered' END, 0, 0::float8
    UNION ALL
    SELECT d.kind, date_trunc('day', $1, 'UTC'), $5, 0, $7, $8, '', floor(d.ms / 86400000 * 10 + 0.5)::integer, d.ms
      FROM (VALUES ('to_close', CASE WHEN $9 = 'cerrado' THEN round(date_part('epoch', $2 - $1) * 1000) END),
                   ('to_answer', round(date_part('epoch', $4 - $1) * 1000))) AS d(kind, ms)
      WHERE d.ms IS NOT NULL
  $$;--> statement-breakpoint
-- Inserted and deleted cases are added up per statement (an import or a seed writes thousands at
-- once). Changes are appended, never upserted: writers take no lock on shared rows.
CREATE OR REPLACE FUNCTION ventanilla_case_figures_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  INSERT INTO case_figure_changes (kind, at, department_id, category_id, type, channel, status, tenth, cases, ms_sum)
    SELECT k.kind, k.at, k.department_id, k.category_id, k.type, k.channel, k.status, k.tenth, sign * count(*)::integer, sign * sum(k.ms)
      FROM changed_cases c,
           LATERAL ventanilla_case_figures(c.created_at, c.closed_at, c.due_at, c.first_answered_at,
                                           c.department_id, c.category_id, c.type, c.channel, c.status) k
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER cases_figures_inserted AFTER INSERT ON cases REFERENCING NEW TABLE AS changed_cases
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_case_figures_statement();--> statement-breakpoint
CREATE TRIGGER cases_figures_deleted AFTER DELETE ON cases REFERENCING OLD TABLE AS changed_cases
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_case_figures_statement();--> statement-breakpoint
-- An update moves a case's contributions: its old ones out, its new ones in, only where they
-- differ. Per row, and only when a counted column changed: most updates (a note, a receipt) do not.
CREATE OR REPLACE FUNCTION ventanilla_case_figures_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_figure_changes (kind, at, department_id, category_id, type, channel, status, tenth, cases, ms_sum)
    SELECT k.kind, k.at, k.department_id, k.category_id, k.type, k.channel, k.status, k.tenth, sum(c.sign)::integer, sum(c.sign * k.ms)
      FROM (SELECT 1 AS sign, NEW.created_at, NEW.closed_at, NEW.due_at, NEW.first_answered_at,
                   NEW.department_id, NEW.category_id, NEW.type, NEW.channel, NEW.status
            UNION ALL
            SELECT -1, OLD.created_at, OLD.closed_at, OLD.due_at, OLD.first_answered_at,
                   OLD.department_id, OLD.category_id, OLD.type, OLD.channel, OLD.status)
             AS c(sign, created_at, closed_at, due_at, first_answered_at, department_id, category_id, type, channel, status),
           LATERAL ventanilla_case_figures(c.created_at, c.closed_at, c.due_at, c.first_answered_at,
                                           c.department_id, c.category_id, c.type, c.channel, c.status) k
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
      HAVING sum(c.sign) <> 0 OR sum(c.sign * k.ms) <> 0
    ;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER cases_figures_updated
  AFTER UPDATE OF created_at, closed_at, due_at, first_answered_at, department_id, category_id, type, channel, status ON cases
  FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
    OR OLD.due_at IS DISTINCT FROM NEW.due_at OR OLD.first_answered_at IS DISTINCT FROM NEW.first_answered_at
    OR OLD.department_id IS DISTINCT FROM NEW.department_id OR OLD.category_id IS DISTINCT FROM NEW.category_id
    OR OLD.type IS DISTINCT FROM NEW.type OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION ventanilla_case_figures_row();--> statement-breakpoint
-- Counted again from every case: the back-fill below, and a repair by hand (`SELECT ventanilla_case_figures_rebuild()`).
CREATE OR REPLACE FUNCTION ventanilla_case_figures_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- Writers wait: a case written between the two steps would be counted twice.
  LOCK TABLE cases IN SHARE MODE;
  DELETE FROM case_figure_changes;
  DELETE FROM case_figures;
  INSERT INTO case_figures (kind, at, department_id, category_id, type, channel, status, tenth, cases, ms_sum)
    SELECT k.kind, k.at, k.department_id, k.category_id, k.type, k.channel, k.status, k.tenth, count(*)::integer, sum(k.ms)
      FROM cases c,
           LATERAL ventanilla_case_figures(c.created_at, c.closed_at, c.due_at, c.first_answered_at,
                                           c.department_id, c.category_id, c.type, c.channel, c.status) k
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END $$;--> statement-breakpoint
-- The sweep moves the changes into case_figures, one group per key, in key order; one fold at a
-- time (the others skip). One transaction: a reader sees the changes or their sum, never both.
CREATE OR REPLACE FUNCTION ventanilla_case_figures_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('ventanilla_case_figures_fold')) THEN
    RETURN 0;
  END IF;
  WITH moved AS (DELETE FROM case_figure_changes RETURNING *)
  INSERT INTO case_figures AS f (kind, at, department_id, category_id, type, channel, status, tenth, cases, ms_sum)
    SELECT kind, at, department_id, category_id, type, channel, status, tenth, sum(cases)::integer, sum(ms_sum)
      FROM moved GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT ON CONSTRAINT case_figures_pk
      DO UPDATE SET cases = f.cases + excluded.cases, ms_sum = f.ms_sum + excluded.ms_sum;
  GET DIAGNOSTICS folded = ROW_COUNT;
  RETURN folded;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION ventanilla_case_figures_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM case_figure_changes;
  DELETE FROM case_figures;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER cases_figures_truncated AFTER TRUNCATE ON cases
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_case_figures_truncated();--> statement-breakpoint
SELECT ventanilla_case_figures_rebuild();
