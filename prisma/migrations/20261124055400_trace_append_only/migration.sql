-- The session trace is evidence: once written, an event is never changed or removed.
-- (Prisma's schema language cannot express triggers, so this lives only in SQL.)
CREATE FUNCTION "trace_events_refuse_change"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'trace_events is append-only: % refused', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "trace_events_append_only"
  BEFORE UPDATE OR DELETE ON "trace_events"
  FOR EACH ROW EXECUTE FUNCTION "trace_events_refuse_change"();
