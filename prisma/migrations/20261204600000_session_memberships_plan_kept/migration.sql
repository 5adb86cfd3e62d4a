-- The same reading as before, in PL/pgSQL: a SQL-language function that cannot be inlined (a
-- SECURITY DEFINER one cannot) has its statement planned again on every call, which made the
-- session read of every request cost twice a bare statement; PL/pgSQL keeps the statement's plan
-- for the connection's life.
CREATE OR REPLACE FUNCTION "session_memberships"(token_hash text) RETURNS json
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
AS $$
BEGIN
  RETURN (
    SELECT coalesce(json_agg(json_build_object('role', m.role, 'organization',
        json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, 'requireTwoFactor', o."requireTwoFactor")) ORDER BY o.name), '[]'::json)
    FROM "Session" s
    JOIN "Membership" m ON m."userId" = s."userId"
    JOIN "Organization" o ON o.id = m."organizationId"
    WHERE s."tokenHash" = token_hash AND s."endedAt" IS NULL
  );
END
$$;
