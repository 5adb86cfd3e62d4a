import type { Db } from "@/server/db/client";
import type { ConnectionEventKind, EventTrigger } from "@/server/db/generated/client";
import { uniqueSuffix } from "@/server/testing/fixtures";

// Builds connection histories directly in the database for the console's tests.

export async function testInstitution(db: Db, name = "Test Bank") {
  const id = `test-bank-${uniqueSuffix()}`;
  await db.institution.create({
    data: { id, name: `${name} ${id.slice(-8)}`, variant: "PERSONAL", loginUrl: `https://${id}.example` },
  });
  return id;
}

export async function testConnection(
  db: Db,
  args: { organizationId: string; institutionId: string; status?: "ACTIVE" | "ERROR" | "ACTION_REQUIRED" },
) {
  const c = await db.connection.create({
    data: {
      organizationId: args.organizationId,
      institutionId: args.institutionId,
      status: args.status ?? "ACTIVE",
      providerLoginId: `login_history_${uniqueSuffix()}`,
    },
    select: { id: true, organizationId: true, institutionId: true },
  });
  return c;
}

export interface HistoryEvent {
  kind?: ConnectionEventKind;
  trigger?: EventTrigger;
  statusCode: number | null;
  at: Date;
  actorUserId?: string | null;
  transactionCount?: number | null;
}

export async function addHistory(
  db: Db,
  connection: { id: string; organizationId: string; institutionId: string },
  events: HistoryEvent[],
) {
  await db.connectionEvent.createMany({
    data: events.map((e) => ({
      organizationId: connection.organizationId,
      connectionId: connection.id,
      institutionId: connection.institutionId,
      kind: e.kind ?? "REFRESH",
      trigger: e.trigger ?? "SCHEDULE",
      actorUserId: e.actorUserId ?? null,
      statusCode: e.statusCode,
      message: e.statusCode === null ? null : `code ${e.statusCode}`,
      startedAt: e.at,
      createdAt: e.at,
      durationMs: 1200,
      transactionCount: e.transactionCount ?? null,
    })),
  });
}

export const minutesAgo = (m: number, now = new Date()) => new Date(now.getTime() - m * 60_000);
export const daysAgo = (d: number, now = new Date()) => new Date(now.getTime() - d * 86_400_000);
