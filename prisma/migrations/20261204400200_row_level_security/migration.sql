-- Row-level security: the second wall under the tenant wall. The runtime role sees and writes
-- only the rows of the organization its connection is set to (app.organization_id, set by the
-- app for each request and job: server/db/tenancy.ts), or every organization's rows under a
-- named bypass (app.tenant_bypass = 'on': the worker's jobs, the support console). A query that
-- forgets its organizationId then finds nothing of another tenant. The owner (migrations)
-- is not subject to it.

CREATE FUNCTION "bankline_tenant_visible"(org text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT current_setting('app.tenant_bypass', true) = 'on'
      OR (org IS NOT NULL AND org = NULLIF(current_setting('app.organization_id', true), ''))
$$;

ALTER TABLE "Connection" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Connection_tenant" ON "Connection" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "ConnectSession" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "ConnectSession_tenant" ON "ConnectSession" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "AggregatorCustomer" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "AggregatorCustomer_tenant" ON "AggregatorCustomer" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "BankAccount" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "BankAccount_tenant" ON "BankAccount" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "Register" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Register_tenant" ON "Register" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "RegisterEntry" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "RegisterEntry_tenant" ON "RegisterEntry" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "RegisterEntryProviderId" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "RegisterEntryProviderId_tenant" ON "RegisterEntryProviderId" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "FeedTransaction" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "FeedTransaction_tenant" ON "FeedTransaction" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "FeedHideBatch" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "FeedHideBatch_tenant" ON "FeedHideBatch" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "ConnectionEvent" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "ConnectionEvent_tenant" ON "ConnectionEvent" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "Notice" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Notice_tenant" ON "Notice" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "ConnectionAlert" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "ConnectionAlert_tenant" ON "ConnectionAlert" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

ALTER TABLE "Invitation" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Invitation_tenant" ON "Invitation" USING ("bankline_tenant_visible"("organizationId")) WITH CHECK ("bankline_tenant_visible"("organizationId"));

-- A person also sees their own memberships (the organizations they may open), whatever the
-- organization set.
ALTER TABLE "Membership" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Membership_tenant" ON "Membership"
  USING ("bankline_tenant_visible"("organizationId") OR "userId" = NULLIF(current_setting('app.user_id', true), ''))
  WITH CHECK ("bankline_tenant_visible"("organizationId"));

-- Audit entries: read within the organization (or by support, under the bypass); a person's own
-- acts outside any organization (a password change) are written without one.
ALTER TABLE "AuditEntry" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "AuditEntry_read" ON "AuditEntry" FOR SELECT USING ("bankline_tenant_visible"("organizationId"));
CREATE POLICY "AuditEntry_write" ON "AuditEntry" FOR INSERT WITH CHECK ("organizationId" IS NULL OR "bankline_tenant_visible"("organizationId"));
