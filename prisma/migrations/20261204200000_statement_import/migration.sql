-- CreateEnum
CREATE TYPE "FeedOrigin" AS ENUM ('CONNECTION', 'STATEMENT');

-- AlterTable
ALTER TABLE "BankAccount" ALTER COLUMN "connectionId" DROP NOT NULL,
ADD COLUMN     "csvMapping" JSONB,
ADD COLUMN     "statementAccountKey" TEXT;

-- AlterTable
ALTER TABLE "FeedTransaction" ADD COLUMN     "origin" "FeedOrigin" NOT NULL DEFAULT 'CONNECTION';

-- CreateTable
CREATE TABLE "StatementImport" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "bankAccountId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "received" INTEGER NOT NULL,
    "added" INTEGER NOT NULL,
    "firstDate" DATE NOT NULL,
    "lastDate" DATE NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StatementImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StatementImport_bankAccountId_createdAt_idx" ON "StatementImport"("bankAccountId", "createdAt");

-- CreateIndex
CREATE INDEX "StatementImport_organizationId_createdAt_idx" ON "StatementImport"("organizationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "BankAccount_organizationId_statementAccountKey_key" ON "BankAccount"("organizationId", "statementAccountKey");

-- AddForeignKey
ALTER TABLE "StatementImport" ADD CONSTRAINT "StatementImport_bankAccountId_fkey" FOREIGN KEY ("bankAccountId") REFERENCES "BankAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
