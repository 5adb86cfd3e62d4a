-- Each register's entry count and total, kept by the database as entries are written, so that a
-- page of the register and the list of registers read them instead of summing every entry: a
-- register grows for years, and at 3 000 entries the sum was most of a page's database time.
ALTER TABLE "Register" ADD COLUMN "entryCount" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "balanceCents" BIGINT NOT NULL DEFAULT 0;

UPDATE "Register" r SET "entryCount" = t.n, "balanceCents" = t.total
FROM (
  SELECT "registerId", count(*)::int AS n, sum("amountCents"::bigint) AS total FROM "RegisterEntry" GROUP BY "registerId"
) t
WHERE r.id = t."registerId";

-- Once per statement, whatever its size (an import of 20 000 entries updates each register once):
-- what the statement added counts for its register, what it removed against it. An update that
-- changed neither an amount nor a register leaves the registers untouched (no lock taken on them).
CREATE FUNCTION "register_totals_follow_entries"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "Register" r SET "entryCount" = r."entryCount" + t.n, "balanceCents" = r."balanceCents" + t.total
    FROM (SELECT "registerId", count(*)::int AS n, sum("amountCents"::bigint) AS total
      FROM added_entries GROUP BY "registerId") t
    WHERE r.id = t."registerId";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "Register" r SET "entryCount" = r."entryCount" - t.n, "balanceCents" = r."balanceCents" - t.total
    FROM (SELECT "registerId", count(*)::int AS n, sum("amountCents"::bigint) AS total
      FROM removed_entries GROUP BY "registerId") t
    WHERE r.id = t."registerId";
  ELSE
    UPDATE "Register" r SET "entryCount" = r."entryCount" + t.n, "balanceCents" = r."balanceCents" + t.total
    FROM (
      SELECT "registerId", sum(n)::int AS n, sum(cents) AS total FROM (
        SELECT "registerId", 1 AS n, "amountCents"::bigint AS cents FROM added_entries
        UNION ALL
        SELECT "registerId", -1, -"amountCents"::bigint FROM removed_entries
      ) changes
      GROUP BY "registerId"
      HAVING sum(n) <> 0 OR sum(cents) <> 0
    ) t
    WHERE r.id = t."registerId";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "RegisterEntry_totals_insert" AFTER INSERT ON "RegisterEntry"
  REFERENCING NEW TABLE AS added_entries
  FOR EACH STATEMENT EXECUTE FUNCTION "register_totals_follow_entries"();
CREATE TRIGGER "RegisterEntry_totals_delete" AFTER DELETE ON "RegisterEntry"
  REFERENCING OLD TABLE AS removed_entries
  FOR EACH STATEMENT EXECUTE FUNCTION "register_totals_follow_entries"();
CREATE TRIGGER "RegisterEntry_totals_update" AFTER UPDATE ON "RegisterEntry"
  REFERENCING OLD TABLE AS removed_entries NEW TABLE AS added_entries
  FOR EACH STATEMENT EXECUTE FUNCTION "register_totals_follow_entries"();
