-- Row-level security: the second wall under the tenant wall. The runtime role sees and writes
-- only the rows of the organization its connection is set to (app.organization_id, set by the
-- app for each request and job: server/db/tenancy.ts), or every organization's rows under a
-- named bypass (app.tenant_bypass = 'on': the worker's jobs, the support console). A query that
-- forgets its organizationId then finds nothing of another tenant. The owner (migrations)
-- is not subject to it.

-- Written out in each policy rather than through a function, so the planner sees a plain
-- comparison of organizationId with a stable value and can use its indexes.

ALTER TABLE "Connection" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Connection_tenant" ON "Connection" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "ConnectSession" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "ConnectSession_tenant" ON "ConnectSession" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "AggregatorCustomer" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "AggregatorCustomer_tenant" ON "AggregatorCustomer" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "BankAccount" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "BankAccount_tenant" ON "BankAccount" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "Register" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Register_tenant" ON "Register" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "RegisterEntry" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "RegisterEntry_tenant" ON "RegisterEntry" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "RegisterEntryProviderId" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "RegisterEntryProviderId_tenant" ON "RegisterEntryProviderId" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "FeedTransaction" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "FeedTransaction_tenant" ON "FeedTransaction" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "FeedHideBatch" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "FeedHideBatch_tenant" ON "FeedHideBatch" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "ConnectionEvent" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "ConnectionEvent_tenant" ON "ConnectionEvent" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "Notice" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Notice_tenant" ON "Notice" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "ConnectionAlert" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "ConnectionAlert_tenant" ON "ConnectionAlert" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "Invitation" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Invitation_tenant" ON "Invitation" USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on')) WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

ALTER TABLE "StatementImport" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "StatementImport_tenant" ON "StatementImport" USING ("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on') WITH CHECK ("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on');

-- A person also sees their own memberships (the organizations they may open), whatever the
-- organization set.
ALTER TABLE "Membership" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Membership_tenant" ON "Membership"
  USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on') OR "userId" = NULLIF(current_setting('app.user_id', true), ''))
  WITH CHECK (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));

-- Audit entries: read within the organization (or by support, under the bypass); a person's own
-- acts outside any organization (a password change) are written without one.
ALTER TABLE "AuditEntry" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "AuditEntry_read" ON "AuditEntry" FOR SELECT USING (("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));
CREATE POLICY "AuditEntry_write" ON "AuditEntry" FOR INSERT WITH CHECK ("organizationId" IS NULL OR ("organizationId" = current_setting('app.organization_id', true) OR current_setting('app.tenant_bypass', true) = 'on'));
