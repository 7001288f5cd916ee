-- Folio numbers from one sequence a year instead of one locked counter row: the row lock made
-- every case opening wait for the commit of the last one (with group commit, for a whole batch
-- of other citizens' turns). A rolled-back opening may now leave a gap; numbers stay unique and
-- increasing within the year.
CREATE FUNCTION next_folio_seq(folio_year integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  sequence_name text := 'folio_seq_' || folio_year;
BEGIN
  IF to_regclass(sequence_name) IS NULL THEN
    BEGIN
      EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS integer', sequence_name);
    EXCEPTION WHEN unique_violation OR duplicate_table THEN
      -- Another transaction created it at the same moment; its sequence is ours too.
      NULL;
    END;
  END IF;
  RETURN nextval(sequence_name::regclass);
END
$$;--> statement-breakpoint
DO $$
DECLARE
  counter record;
BEGIN
  FOR counter IN SELECT year, last_seq FROM folio_counters LOOP
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS integer START WITH %s', 'folio_seq_' || counter.year, counter.last_seq + 1);
  END LOOP;
END
$$;--> statement-breakpoint
DROP TABLE "folio_counters" CASCADE;
