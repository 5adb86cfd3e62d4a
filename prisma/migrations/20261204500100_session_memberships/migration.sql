-- A request reads its session, its person and every organization the person belongs to in one
-- statement (server/auth/sessions.ts). Before that statement no tenant scope is set, so
-- row-level security hides every membership: this function, owned by the migrating role, reads
-- them for the person whose session has this token's hash, and nothing else.
CREATE OR REPLACE FUNCTION "session_memberships"(token_hash text) RETURNS json
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
  SELECT coalesce(json_agg(json_build_object('role', m.role, 'organization',
      json_build_object('id', o.id, 'slug', o.slug, 'name', o.name, 'requireTwoFactor', o."requireTwoFactor")) ORDER BY o.name), '[]'::json)
  FROM "Session" s
  JOIN "Membership" m ON m."userId" = s."userId"
  JOIN "Organization" o ON o.id = m."organizationId"
  WHERE s."tokenHash" = token_hash AND s."endedAt" IS NULL
$$;
