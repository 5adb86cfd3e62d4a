import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createBooks } from "@/server/feed/testing/books";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";

// An act and its audit entry commit together: when the entry cannot be written, the act is
// undone too. A trigger (put there as the owner, for this test only) refuses one entry.

const REFUSED_CENTS = 424_242;
let owner: pg.Client;
let fx: OrgFixture;

beforeAll(async () => {
  owner = new pg.Client({ connectionString: inject("ownerDatabaseUrl") });
  await owner.connect();
  await owner.query(`
    CREATE OR REPLACE FUNCTION audit_refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.details->>'amountCents' = '${REFUSED_CENTS}' THEN RAISE EXCEPTION 'audit entry refused for the test'; END IF;
      RETURN NEW;
    END $$`);
  await owner.query(
    `CREATE TRIGGER "AuditEntry_refuse_for_test" BEFORE INSERT ON "AuditEntry" FOR EACH ROW EXECUTE FUNCTION audit_refuse_for_test()`,
  );
  fx = await createOrgWithMembers(testDb(), "Atomic audit");
});

afterAll(async () => {
  await owner.query(`DROP TRIGGER IF EXISTS "AuditEntry_refuse_for_test" ON "AuditEntry"`);
  await owner.query(`DROP FUNCTION IF EXISTS audit_refuse_for_test()`);
  await owner.end();
});

describe("audit entries in the transaction of their change", () => {
  it("undoes an entry added by hand when its audit entry cannot be written, and keeps both otherwise", async () => {
    const books = await createBooks(testDb(), fx.org.id);
    const member = callerFor(testDb(), fx.users.MEMBER);
    const entry = {
      orgSlug: fx.org.slug,
      registerId: books.registerId,
      date: "2026-03-02",
      description: "Audited deposit",
    };
    await expect(member.register.addEntry({ ...entry, amountCents: REFUSED_CENTS })).rejects.toThrow();
    expect(await testDb().registerEntry.count({ where: { registerId: books.registerId } })).toBe(0);

    await member.register.addEntry({ ...entry, amountCents: 1_000 });
    expect(await testDb().registerEntry.count({ where: { registerId: books.registerId } })).toBe(1);
    expect(await testDb().auditEntry.count({ where: { organizationId: fx.org.id, action: "register.addEntry" } })).toBe(
      1,
    );
  });
});
