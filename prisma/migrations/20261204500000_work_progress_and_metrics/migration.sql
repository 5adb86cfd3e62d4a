-- CreateTable
CREATE TABLE "WorkProgress" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "organizationId" TEXT,
    "label" TEXT NOT NULL,
    "total" INTEGER,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "detail" JSONB,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "WorkProgress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricsSnapshot" (
    "instance" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "metrics" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MetricsSnapshot_pkey" PRIMARY KEY ("instance")
);

-- CreateIndex
CREATE UNIQUE INDEX "WorkProgress_kind_key_key" ON "WorkProgress"("kind", "key");

-- CreateIndex
CREATE INDEX "WorkProgress_finishedAt_startedAt_idx" ON "WorkProgress"("finishedAt", "startedAt");
