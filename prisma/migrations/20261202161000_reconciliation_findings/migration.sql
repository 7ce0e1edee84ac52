-- AlterTable
ALTER TABLE "reconciliation_runs" ADD COLUMN     "checkedSessions" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "reconciliation_findings" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "paymentId" TEXT,
    "refundId" TEXT,
    "stripeId" TEXT,
    "bookingId" TEXT,
    "ticketId" TEXT,
    "groupEventId" TEXT,
    "roomSessionId" TEXT,
    "userId" TEXT,
    "firstRunId" TEXT NOT NULL,
    "lastRunId" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,
    "resolvedById" TEXT,
    "resolvedByEmail" TEXT,
    "resolutionNote" TEXT,

    CONSTRAINT "reconciliation_findings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "reconciliation_findings_key_key" ON "reconciliation_findings"("key");

-- CreateIndex
CREATE INDEX "reconciliation_findings_resolvedAt_lastSeenAt_idx" ON "reconciliation_findings"("resolvedAt", "lastSeenAt");

-- CreateIndex
CREATE INDEX "reconciliation_findings_lastRunId_idx" ON "reconciliation_findings"("lastRunId");
