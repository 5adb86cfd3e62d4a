import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { uniqueSuffix } from "@/server/testing/fixtures";
import { recordAudit } from "./service";

describe("audit log", () => {
  it("records who did what, from where and why", async () => {
    const objectId = `conn-${uniqueSuffix()}`;
    await recordAudit(testDb(), {
      actor: { userId: null, email: "supportadmin@bankline.example", ipAddress: "203.0.113.5" },
      organizationId: null,
      action: "connection.forceRefresh",
      objectType: "Connection",
      objectId,
      reason: "customer called about missing transactions",
    });
    const entry = await testDb().auditEntry.findFirstOrThrow({ where: { objectId } });
    expect(entry).toMatchObject({
      actorEmail: "supportadmin@bankline.example",
      ipAddress: "203.0.113.5",
      action: "connection.forceRefresh",
      reason: "customer called about missing transactions",
    });
  });

  it("cannot be changed or deleted, even by a direct query", async () => {
    const objectId = `conn-${uniqueSuffix()}`;
    await recordAudit(testDb(), {
      actor: { userId: null, email: "owner@riverside.example", ipAddress: null },
      organizationId: null,
      action: "connection.remove",
      objectType: "Connection",
      objectId,
    });
    await expect(testDb().auditEntry.updateMany({ where: { objectId }, data: { reason: "edited" } })).rejects.toThrow(
      /cannot be changed or deleted/,
    );
    await expect(testDb().auditEntry.deleteMany({ where: { objectId } })).rejects.toThrow(/cannot be changed or deleted/);
    expect(await testDb().auditEntry.count({ where: { objectId } })).toBe(1);
  });
});
