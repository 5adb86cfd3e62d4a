-- The app runs as a runtime role that owns none of these tables: it reads and writes rows,
-- but cannot drop a trigger, turn row-level security off, truncate or alter anything. Migrations
-- run as the owner. The login role the app uses is a member of bankline_runtime (README,
-- "Database roles"); the role is created here when the one migrating may create roles.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bankline_runtime') THEN
    CREATE ROLE bankline_runtime NOLOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO bankline_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bankline_runtime;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO bankline_runtime;
-- Tables of later migrations get the same rows-only rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bankline_runtime;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO bankline_runtime;
-- Migration history is the owner's business; audit entries are written, never changed.
REVOKE ALL ON "_prisma_migrations" FROM bankline_runtime;
REVOKE UPDATE, DELETE ON "AuditEntry" FROM bankline_runtime;

-- The job queue (pg-boss) keeps its own schemas and creates a table per queue as queues are
-- made: those schemas are the runtime role's to create and own.
DO $$
BEGIN
  EXECUTE format('GRANT CREATE ON DATABASE %I TO bankline_runtime', current_database());
END
$$;

-- A queue schema made before this migration (by the app when it ran as the owner) becomes the
-- runtime role's.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT n.nspname FROM pg_namespace n WHERE EXISTS (SELECT FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'job')
           AND n.nspname NOT IN ('public', 'pg_catalog', 'information_schema') LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO bankline_runtime', r.nspname);
  END LOOP;
  FOR r IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p', 'v', 'S') AND n.nspname IN (
             SELECT n2.nspname FROM pg_namespace n2 WHERE EXISTS (SELECT FROM pg_class c2 WHERE c2.relnamespace = n2.oid AND c2.relname = 'job')
               AND n2.nspname NOT IN ('public', 'pg_catalog', 'information_schema')) LOOP
    IF r.relkind = 'S' THEN
      EXECUTE format('ALTER SEQUENCE %I.%I OWNER TO bankline_runtime', r.nspname, r.relname);
    ELSIF r.relkind = 'v' THEN
      EXECUTE format('ALTER VIEW %I.%I OWNER TO bankline_runtime', r.nspname, r.relname);
    ELSE
      EXECUTE format('ALTER TABLE %I.%I OWNER TO bankline_runtime', r.nspname, r.relname);
    END IF;
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname IN (
             SELECT n2.nspname FROM pg_namespace n2 WHERE EXISTS (SELECT FROM pg_class c2 WHERE c2.relnamespace = n2.oid AND c2.relname = 'job')
               AND n2.nspname NOT IN ('public', 'pg_catalog', 'information_schema')) LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO bankline_runtime', r.fn);
  END LOOP;
END
$$;

-- The audit log cannot be emptied either: TRUNCATE skips row triggers, so a statement trigger
-- refuses it (the runtime role has no TRUNCATE right besides).
CREATE FUNCTION "audit_entry_no_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEntry cannot be truncated';
END;
$$;

CREATE TRIGGER "AuditEntry_no_truncate"
BEFORE TRUNCATE ON "AuditEntry"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_no_truncate"();
