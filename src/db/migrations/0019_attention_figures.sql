CREATE TABLE "attention_figure_changes" (
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"detail" text NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "attention_figures" (
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"detail" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "attention_figures_pk" PRIMARY KEY("kind","at","channel","detail")
);

--> statement-breakpoint
-- Attentions inserted or deleted, added up per statement. A conversation counts as abandoned while
-- it has no attention at all: its first attentions take it out of the count, the deletion of its
-- last ones puts it back, at the hour the citizen last wrote.
CREATE OR REPLACE FUNCTION ventanilla_attention_figures_logged() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  INSERT INTO attention_figure_changes (kind, at, channel, detail, count)
    SELECT kind, date_trunc('hour', created_at, 'UTC'), channel, coalesce(detail, ''), sign * count(*)::integer
      FROM changed_attentions GROUP BY 1, 2, 3, 4;
  -- The conversations' row locks (a turn holds its own already) keep a concurrent turn from moving
  -- one to another hour meanwhile; taken in a statement of their own, so that the next one's
  -- snapshot sees what committed while this one waited.
  PERFORM 1 FROM conversations WHERE id IN (SELECT conversation_id FROM changed_attentions) ORDER BY id FOR NO KEY UPDATE;
  INSERT INTO attention_figure_changes (kind, at, channel, detail, count)
    SELECT 'abandoned', date_trunc('hour', c.last_inbound_at, 'UTC'), c.channel, '', -sign * count(*)::integer
      FROM conversations c
      WHERE c.id IN (SELECT conversation_id FROM changed_attentions) AND c.last_inbound_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM attention_log a WHERE a.conversation_id = c.id
                          AND (sign < 0 OR a.id NOT IN (SELECT id FROM changed_attentions)))
      GROUP BY 1, 2, 3, 4;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER attention_log_figures_inserted AFTER INSERT ON attention_log REFERENCING NEW TABLE AS changed_attentions
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_attention_figures_logged();--> statement-breakpoint
CREATE TRIGGER attention_log_figures_deleted AFTER DELETE ON attention_log REFERENCING OLD TABLE AS changed_attentions
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_attention_figures_logged();--> statement-breakpoint
-- An attention's counted columns changed (by hand: the application never does): out and in again.
CREATE OR REPLACE FUNCTION ventanilla_attention_figures_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.conversation_id IS DISTINCT FROM NEW.conversation_id THEN
    RAISE EXCEPTION 'an attention stays with its conversation';
  END IF;
  INSERT INTO attention_figure_changes (kind, at, channel, detail, count)
    VALUES (OLD.kind, date_trunc('hour', OLD.created_at, 'UTC'), OLD.channel, coalesce(OLD.detail, ''), -1),
           (NEW.kind, date_trunc('hour', NEW.created_at, 'UTC'), NEW.channel, coalesce(NEW.detail, ''), 1);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER attention_log_figures_updated AFTER UPDATE OF kind, created_at, channel, detail, conversation_id ON attention_log
  FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.created_at IS DISTINCT FROM NEW.created_at
    OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.detail IS DISTINCT FROM NEW.detail
    OR OLD.conversation_id IS DISTINCT FROM NEW.conversation_id)
  EXECUTE FUNCTION ventanilla_attention_figures_moved();--> statement-breakpoint
-- A new conversation has no attention yet; a deleted one has none left (their foreign key).
CREATE OR REPLACE FUNCTION ventanilla_attention_figures_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  INSERT INTO attention_figure_changes (kind, at, channel, detail, count)
    SELECT 'abandoned', date_trunc('hour', last_inbound_at, 'UTC'), channel, '', sign * count(*)::integer
      FROM changed_conversations WHERE last_inbound_at IS NOT NULL GROUP BY 1, 2, 3, 4;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER conversations_figures_inserted AFTER INSERT ON conversations REFERENCING NEW TABLE AS changed_conversations
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_attention_figures_conversations();--> statement-breakpoint
CREATE TRIGGER conversations_figures_deleted AFTER DELETE ON conversations REFERENCING OLD TABLE AS changed_conversations
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_attention_figures_conversations();--> statement-breakpoint
-- Every inbound message moves last_inbound_at, but an abandoned conversation only changes hour
-- (or channel) now and then: the WHEN clause keeps the function off the message path.
CREATE OR REPLACE FUNCTION ventanilla_attention_figures_wrote() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM attention_log WHERE conversation_id = NEW.id) THEN
    RETURN NULL;
  END IF;
  INSERT INTO attention_figure_changes (kind, at, channel, detail, count)
    SELECT 'abandoned', v.at, v.channel, '', v.sign
      FROM (VALUES (date_trunc('hour', OLD.last_inbound_at, 'UTC'), OLD.channel, -1),
                   (date_trunc('hour', NEW.last_inbound_at, 'UTC'), NEW.channel, 1)) AS v(at, channel, sign)
      WHERE v.at IS NOT NULL;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER conversations_figures_wrote AFTER UPDATE OF last_inbound_at, channel ON conversations
  FOR EACH ROW WHEN (OLD.channel IS DISTINCT FROM NEW.channel
    OR date_trunc('hour', OLD.last_inbound_at, 'UTC') IS DISTINCT FROM date_trunc('hour', NEW.last_inbound_at, 'UTC'))
  EXECUTE FUNCTION ventanilla_attention_figures_wrote();--> statement-breakpoint
-- Counted again from the log and the conversations: the back-fill below, TRUNCATE, and a repair
-- by hand (`SELECT ventanilla_attention_figures_rebuild()`).
CREATE OR REPLACE FUNCTION ventanilla_attention_figures_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- Writers wait: an attention written between the steps would be counted twice.
  LOCK TABLE conversations, attention_log IN SHARE MODE;
  DELETE FROM attention_figure_changes;
  DELETE FROM attention_figures;
  INSERT INTO attention_figures (kind, at, channel, detail, count)
    SELECT kind, date_trunc('hour', created_at, 'UTC'), channel, coalesce(detail, ''), count(*)::integer
      FROM attention_log GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT 'abandoned', date_trunc('hour', c.last_inbound_at, 'UTC'), c.channel, '', count(*)::integer
      FROM conversations c
      WHERE c.last_inbound_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM attention_log a WHERE a.conversation_id = c.id)
      GROUP BY 1, 2, 3, 4;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION ventanilla_attention_figures_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ventanilla_attention_figures_rebuild();
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER attention_log_figures_truncated AFTER TRUNCATE ON attention_log
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_attention_figures_truncated();--> statement-breakpoint
CREATE TRIGGER conversations_figures_truncated AFTER TRUNCATE ON conversations
  FOR EACH STATEMENT EXECUTE FUNCTION ventanilla_attention_figures_truncated();--> statement-breakpoint
-- As ventanilla_case_figures_fold: one fold at a time, in key order, in one transaction.
CREATE OR REPLACE FUNCTION ventanilla_attention_figures_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('ventanilla_attention_figures_fold')) THEN
    RETURN 0;
  END IF;
  WITH moved AS (DELETE FROM attention_figure_changes RETURNING *)
  INSERT INTO attention_figures AS f (kind, at, channel, detail, count)
    SELECT kind, at, channel, detail, sum(count)::integer FROM moved GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT attention_figures_pk DO UPDATE SET count = f.count + excluded.count;
  GET DIAGNOSTICS folded = ROW_COUNT;
  RETURN folded;
END $$;--> statement-breakpoint
SELECT ventanilla_attention_figures_rebuild();
