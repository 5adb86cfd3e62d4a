import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { SessionUser } from "@/server/auth/session";
import type { AccessCase, AccessCases, AccessWorld } from "@/server/testing/access-cases";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, createUser } from "@/server/testing/fixtures";
import { orgPermissions, staffPermissions, ORG_ROLES, type OrgRole } from "./permissions";
import { appRouter } from "./router";

// Enumerates EVERY procedure of the app router. Each must have an access case (in its
// capability's server/<capability>/testing/access-cases.ts) that matches the permission table;
// the procedure is then called by an anonymous visitor, a member of each role, a member of
// another organization and both staff roles, and must admit exactly those the table admits.

const caseModules = import.meta.glob<Record<string, AccessCases>>("../*/testing/access-cases.ts", { eager: true });
const cases: Record<string, AccessCase> = {};
for (const mod of Object.values(caseModules)) {
  for (const exported of Object.values(mod)) Object.assign(cases, exported);
}

// At run time tRPC keeps a flat record keyed by full path ("orgs.get").
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { meta?: { access?: unknown }; type: string } }
>;
const paths = Object.keys(procedures).sort();

type Actor = {
  name: string;
  user: (w: AccessWorld) => SessionUser | null;
  orgRole?: OrgRole;
  staff?: "SUPPORT" | "SUPPORT_ADMIN";
};
const actors: Actor[] = [
  { name: "anonymous", user: () => null },
  ...ORG_ROLES.map((role) => ({
    name: role.toLowerCase(),
    user: (w: AccessWorld) => w.home.users[role],
    orgRole: role,
  })),
  { name: "owner of another organization", user: (w) => w.other.users.OWNER },
  { name: "support", user: (w) => w.support, staff: "SUPPORT" as const },
  { name: "support admin", user: (w) => w.supportAdmin, staff: "SUPPORT_ADMIN" as const },
];

type ZodNode = {
  _zod?: {
    def?: {
      type?: string;
      shape?: Record<string, ZodNode>;
      element?: ZodNode;
      innerType?: ZodNode;
      in?: ZodNode;
      out?: ZodNode;
      options?: ZodNode[];
    };
  };
};

/** Input fields, however deep, that name an object: `connectionId`, `entryIds`, `choices[].registerId`, `id`, `slug`. */
function idFieldsIn(node: ZodNode | undefined, at = ""): string[] {
  const def = node?._zod?.def;
  if (!def) return [];
  switch (def.type) {
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([key, child]) => [
        ...(/Ids?$|^id$|^slug$/.test(key) ? [`${at}${key}`] : []),
        ...idFieldsIn(child, `${at}${key}.`),
      ]);
    case "array":
      return idFieldsIn(def.element, at.replace(/\.$/, "[].") || "[].");
    case "union":
      return (def.options ?? []).flatMap((option) => idFieldsIn(option, at));
    case "pipe":
      return [...idFieldsIn(def.in, at), ...idFieldsIn(def.out, at)];
    default:
      return idFieldsIn(def.innerType, at);
  }
}

function idFieldsOf(path: string): string[] {
  const inputs = (procedures[path]!._def as unknown as { inputs?: ZodNode[] }).inputs ?? [];
  return [...new Set(inputs.flatMap((schema) => idFieldsIn(schema)))];
}

/** Tables a customer reaches (each carries organizationId). */
const TENANT_TABLES = [
  "Membership",
  "Invitation",
  "Connection",
  "ConnectSession",
  "AggregatorCustomer",
  "BankAccount",
  "Register",
  "RegisterEntry",
  "RegisterEntryProviderId",
  "FeedTransaction",
  "FeedHideBatch",
  "ConnectionEvent",
  "Notice",
  "ConnectionAlert",
  "StatementImport",
];

/** Every row an organization has, as one fingerprint per table. */
async function snapshotOf(world: AccessWorld, organizationId: string): Promise<Record<string, string | null>> {
  const entries = await Promise.all(
    TENANT_TABLES.map(async (table) => {
      const [row] = await world.db.$queryRawUnsafe<{ digest: string | null }[]>(
        `SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS digest FROM "${table}" t WHERE "organizationId" = $1`,
        organizationId,
      );
      return [table, row?.digest ?? null] as const;
    }),
  );
  return Object.fromEntries(entries);
}

function mayCall(c: AccessCase, actor: Actor): boolean {
  switch (c.access.kind) {
    case "public":
      return true;
    case "signedIn":
      return actor.name !== "anonymous";
    case "org":
      return !!actor.orgRole && (orgPermissions[c.access.permission] as readonly string[]).includes(actor.orgRole);
    case "staff":
      return !!actor.staff && (staffPermissions[c.access.permission] as readonly string[]).includes(actor.staff);
  }
}

async function call(world: AccessWorld, user: SessionUser | null, path: string, input: unknown) {
  const caller = callerFor(world.db, user) as unknown as Record<string, unknown>;
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

describe("authorization of every procedure", () => {
  let world: AccessWorld;

  beforeAll(async () => {
    const db = testDb();
    world = {
      db,
      home: await createOrgWithMembers(db, "Home"),
      other: await createOrgWithMembers(db, "Other"),
      support: await createUser(db, { staffRole: "SUPPORT" }),
      supportAdmin: await createUser(db, { staffRole: "SUPPORT_ADMIN" }),
    };
  });

  it("has an access case for every procedure, matching the procedure's guard", () => {
    const missing = paths.filter((p) => !cases[p]);
    expect(missing, "procedures without an entry in an access-cases.ts file").toEqual([]);
    const stale = Object.keys(cases).filter((p) => !procedures[p]);
    expect(stale, "access cases for procedures that no longer exist").toEqual([]);
    for (const path of paths) {
      expect(procedures[path]!._def.meta?.access, `guard of ${path}`).toEqual(cases[path]!.access);
    }
  });

  it("declares input and output schemas on every procedure", () => {
    const lacking = paths.filter((path) => {
      const def = procedures[path]!._def as unknown as { inputs?: unknown[]; output?: unknown };
      return !def.inputs?.length || !def.output;
    });
    expect(lacking, "procedures without .input() or .output()").toEqual([]);
  });

  it("finds ids nested in an input: choices[].registerId and bankAccountId, fields named id and slug", () => {
    expect(idFieldsOf("connections.chooseAccounts")).toEqual(
      expect.arrayContaining(["connectionId", "choices[].bankAccountId", "choices[].registerId"]),
    );
    const probe = z.object({
      items: z.array(z.object({ id: z.string(), slug: z.string().optional() })),
      orgSlug: z.string(),
    });
    expect(idFieldsIn(probe as unknown as ZodNode)).toEqual(["items[].id", "items[].slug"]);
  });

  it("has a foreign-id case for every organization procedure that takes object ids", () => {
    const lacking = paths.filter((path) => {
      const c = cases[path];
      return (
        c?.access.kind === "org" && !c.foreignIdsInput && !c.idsAreNotOrganizationData && idFieldsOf(path).length > 0
      );
    });
    expect(lacking, "org procedures taking ids without foreignIdsInput").toEqual([]);
  });

  describe.each(paths)("%s", (path) => {
    it.each(actors.map((a) => [a.name, a] as const))("as %s", async (_name, actor) => {
      const c = cases[path];
      if (!c) return; // reported by the test above
      const code = await errorCodeOf(call(world, actor.user(world), path, await c.input(world)));
      if (mayCall(c, actor)) {
        expect(code === "UNAUTHORIZED" || code === "FORBIDDEN" ? code : "admitted").toBe("admitted");
      } else {
        expect(code).toBe(actor.name === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN");
      }
    });

    it("never lets another organization reach this organization's objects by id, and changes nothing of it", async () => {
      const c = cases[path];
      if (!c?.foreignIdsInput) return;
      const input = await c.foreignIdsInput(world);
      const before = await snapshotOf(world, world.home.org.id);
      const code = await errorCodeOf(call(world, world.other.users.OWNER, path, input));
      expect(code).toBe("NOT_FOUND");
      expect(await snapshotOf(world, world.home.org.id)).toEqual(before);
    });

    it("refuses a call mixing this organization's ids with another's, and changes nothing of either", async () => {
      const c = cases[path];
      if (!c?.mixedIdsInput) return;
      const input = await c.mixedIdsInput(world);
      const [home, other] = await Promise.all([
        snapshotOf(world, world.home.org.id),
        snapshotOf(world, world.other.org.id),
      ]);
      const code = await errorCodeOf(call(world, world.home.users.OWNER, path, input));
      expect(code).toBe("NOT_FOUND");
      expect(await snapshotOf(world, world.home.org.id)).toEqual(home);
      expect(await snapshotOf(world, world.other.org.id)).toEqual(other);
    });
  });
});
