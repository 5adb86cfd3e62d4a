import pg from "pg";
import { describe, expect, inject, it } from "vitest";
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
    // The app's runtime role has no right to; the owner meets the trigger.
    await expect(testDb().auditEntry.updateMany({ where: { objectId }, data: { reason: "edited" } })).rejects.toThrow(
      /permission denied/,
    );
    await expect(testDb().auditEntry.deleteMany({ where: { objectId } })).rejects.toThrow(/permission denied/);
    const owner = new pg.Client({ connectionString: inject("ownerDatabaseUrl") });
    await owner.connect();
    try {
      await expect(
        owner.query(`UPDATE "AuditEntry" SET reason = 'edited' WHERE "objectId" = $1`, [objectId]),
      ).rejects.toThrow(/cannot be changed or deleted/);
      await expect(owner.query(`DELETE FROM "AuditEntry" WHERE "objectId" = $1`, [objectId])).rejects.toThrow(
        /cannot be changed or deleted/,
      );
    } finally {
      await owner.end();
    }
    expect(await testDb().auditEntry.count({ where: { objectId } })).toBe(1);
  });
});
