-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrgRole" AS ENUM ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('SUPPORT', 'SUPPORT_ADMIN');

-- CreateEnum
CREATE TYPE "InstitutionVariant" AS ENUM ('PERSONAL', 'BUSINESS');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('AGGREGATING', 'ACTIVE', 'ACTION_REQUIRED', 'ERROR', 'REMOVED');

-- CreateEnum
CREATE TYPE "ConnectionEventKind" AS ENUM ('LINK', 'MFA_ANSWER', 'REFRESH', 'RETRIEVE', 'UPDATE_LOGIN', 'FORCED_REFRESH', 'WEBHOOK', 'REMOVE');

-- CreateEnum
CREATE TYPE "EventTrigger" AS ENUM ('CUSTOMER', 'SUPPORT', 'SCHEDULE', 'WEBHOOK');

-- CreateEnum
CREATE TYPE "FeedState" AS ENUM ('NEW', 'DUPLICATE', 'POSSIBLE_DUPLICATE', 'HIDDEN', 'IMPORTED');

-- CreateEnum
CREATE TYPE "RegisterEntrySource" AS ENUM ('MANUAL', 'IMPORT', 'STATEMENT');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "staffRole" "StaffRole",
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "OrgRole" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignInAttempt" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "ipAddress" TEXT NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Institution" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "variant" "InstitutionVariant" NOT NULL,
    "loginUrl" TEXT NOT NULL,
    "knownIssueSince" TIMESTAMP(3),
    "knownIssueCode" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Institution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Connection" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "institutionId" TEXT NOT NULL,
    "providerLoginId" TEXT,
    "status" "ConnectionStatus" NOT NULL,
    "lastStatusCode" INTEGER,
    "lastStatusMessage" TEXT,
    "lastSuccessAt" TIMESTAMP(3),
    "lastAttemptAt" TIMESTAMP(3),
    "nextRetryAt" TIMESTAMP(3),
    "retryCount" INTEGER NOT NULL DEFAULT 0,
    "aggregationStartedAt" TIMESTAMP(3),
    "activeEventId" TEXT,
    "mfaSession" TEXT,
    "mfaQuestion" JSONB,
    "mfaExpiresAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "Connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BankAccount" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "mask" TEXT NOT NULL,
    "balanceCents" BIGINT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "linked" BOOLEAN NOT NULL DEFAULT false,
    "registerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BankAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Register" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Register_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegisterEntry" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "registerId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "checkNumber" TEXT,
    "source" "RegisterEntrySource" NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegisterEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegisterEntryProviderId" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "registerEntryId" TEXT NOT NULL,
    "providerTransactionId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegisterEntryProviderId_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedTransaction" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "bankAccountId" TEXT NOT NULL,
    "providerTransactionId" TEXT NOT NULL,
    "pendingProviderTransactionId" TEXT,
    "date" DATE NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "checkNumber" TEXT,
    "pending" BOOLEAN NOT NULL DEFAULT false,
    "state" "FeedState" NOT NULL DEFAULT 'NEW',
    "matchRegisterEntryId" TEXT,
    "matchFeedTransactionId" TEXT,
    "matchScore" DOUBLE PRECISION,
    "matchReasons" JSONB,
    "registerEntryId" TEXT,
    "hiddenAt" TIMESTAMP(3),
    "hiddenById" TEXT,
    "importedAt" TIMESTAMP(3),
    "importedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedTransaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectionEvent" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "connectionId" TEXT,
    "institutionId" TEXT NOT NULL,
    "kind" "ConnectionEventKind" NOT NULL,
    "trigger" "EventTrigger" NOT NULL,
    "actorUserId" TEXT,
    "statusCode" INTEGER,
    "message" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "durationMs" INTEGER,
    "transactionCount" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "connectionId" TEXT,
    "statusCode" INTEGER,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL,
    "actorUserId" TEXT,
    "actorEmail" TEXT,
    "organizationId" TEXT,
    "action" TEXT NOT NULL,
    "objectType" TEXT NOT NULL,
    "objectId" TEXT,
    "reason" TEXT,
    "ipAddress" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_organizationId_userId_key" ON "Membership"("organizationId", "userId");

-- CreateIndex
CREATE INDEX "SignInAttempt_email_createdAt_idx" ON "SignInAttempt"("email", "createdAt");

-- CreateIndex
CREATE INDEX "SignInAttempt_ipAddress_createdAt_idx" ON "SignInAttempt"("ipAddress", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Connection_providerLoginId_key" ON "Connection"("providerLoginId");

-- CreateIndex
CREATE INDEX "Connection_organizationId_status_idx" ON "Connection"("organizationId", "status");

-- CreateIndex
CREATE INDEX "Connection_institutionId_idx" ON "Connection"("institutionId");

-- CreateIndex
CREATE INDEX "Connection_status_lastSuccessAt_idx" ON "Connection"("status", "lastSuccessAt");

-- CreateIndex
CREATE INDEX "BankAccount_organizationId_idx" ON "BankAccount"("organizationId");

-- CreateIndex
CREATE INDEX "BankAccount_registerId_idx" ON "BankAccount"("registerId");

-- CreateIndex
CREATE UNIQUE INDEX "BankAccount_connectionId_providerAccountId_key" ON "BankAccount"("connectionId", "providerAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "Register_organizationId_name_key" ON "Register"("organizationId", "name");

-- CreateIndex
CREATE INDEX "RegisterEntry_registerId_date_idx" ON "RegisterEntry"("registerId", "date");

-- CreateIndex
CREATE INDEX "RegisterEntry_organizationId_idx" ON "RegisterEntry"("organizationId");

-- CreateIndex
CREATE INDEX "RegisterEntryProviderId_registerEntryId_idx" ON "RegisterEntryProviderId"("registerEntryId");

-- CreateIndex
CREATE UNIQUE INDEX "RegisterEntryProviderId_organizationId_providerTransactionI_key" ON "RegisterEntryProviderId"("organizationId", "providerTransactionId");

-- CreateIndex
CREATE INDEX "FeedTransaction_organizationId_state_idx" ON "FeedTransaction"("organizationId", "state");

-- CreateIndex
CREATE INDEX "FeedTransaction_bankAccountId_state_date_idx" ON "FeedTransaction"("bankAccountId", "state", "date");

-- CreateIndex
CREATE INDEX "FeedTransaction_registerEntryId_idx" ON "FeedTransaction"("registerEntryId");

-- CreateIndex
CREATE UNIQUE INDEX "FeedTransaction_bankAccountId_providerTransactionId_key" ON "FeedTransaction"("bankAccountId", "providerTransactionId");

-- CreateIndex
CREATE INDEX "ConnectionEvent_connectionId_createdAt_idx" ON "ConnectionEvent"("connectionId", "createdAt");

-- CreateIndex
CREATE INDEX "ConnectionEvent_institutionId_createdAt_idx" ON "ConnectionEvent"("institutionId", "createdAt");

-- CreateIndex
CREATE INDEX "ConnectionEvent_organizationId_createdAt_idx" ON "ConnectionEvent"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "Notice_organizationId_resolvedAt_idx" ON "Notice"("organizationId", "resolvedAt");

-- CreateIndex
CREATE INDEX "Notice_connectionId_idx" ON "Notice"("connectionId");

-- CreateIndex
CREATE INDEX "AuditEntry_createdAt_idx" ON "AuditEntry"("createdAt");

-- CreateIndex
CREATE INDEX "AuditEntry_organizationId_createdAt_idx" ON "AuditEntry"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEntry_objectType_objectId_idx" ON "AuditEntry"("objectType", "objectId");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Connection" ADD CONSTRAINT "Connection_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Connection" ADD CONSTRAINT "Connection_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Institution"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BankAccount" ADD CONSTRAINT "BankAccount_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BankAccount" ADD CONSTRAINT "BankAccount_registerId_fkey" FOREIGN KEY ("registerId") REFERENCES "Register"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Register" ADD CONSTRAINT "Register_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegisterEntry" ADD CONSTRAINT "RegisterEntry_registerId_fkey" FOREIGN KEY ("registerId") REFERENCES "Register"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegisterEntryProviderId" ADD CONSTRAINT "RegisterEntryProviderId_registerEntryId_fkey" FOREIGN KEY ("registerEntryId") REFERENCES "RegisterEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeedTransaction" ADD CONSTRAINT "FeedTransaction_bankAccountId_fkey" FOREIGN KEY ("bankAccountId") REFERENCES "BankAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeedTransaction" ADD CONSTRAINT "FeedTransaction_registerEntryId_fkey" FOREIGN KEY ("registerEntryId") REFERENCES "RegisterEntry"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectionEvent" ADD CONSTRAINT "ConnectionEvent_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The audit log is append-only: refuse updates and deletes at the database.
CREATE FUNCTION "audit_entry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEntry rows cannot be changed or deleted';
END;
$$;

CREATE TRIGGER "AuditEntry_append_only"
BEFORE UPDATE OR DELETE ON "AuditEntry"
FOR EACH ROW EXECUTE FUNCTION "audit_entry_append_only"();
