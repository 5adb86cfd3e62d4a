import type { Db } from "@/server/db/client";
import type { SessionUser } from "@/server/auth/session";
import type { Access } from "@/server/trpc/permissions";
import type { OrgFixture } from "./fixtures";

// Every procedure of the app router has an entry in some `server/<capability>/testing/access-cases.ts`,
// read by server/trpc/authorization.test.ts. An entry says how the procedure is guarded
// and how to call it; the test then calls it as every kind of person.

export interface AccessWorld {
  db: Db;
  /** The organization under test, with one member per role. */
  home: OrgFixture;
  /** Another organization; its owner must never reach `home`'s data. */
  other: OrgFixture;
  support: SessionUser;
  supportAdmin: SessionUser;
}

export interface AccessCase {
  access: Access;
  /** A valid input for a caller allowed to use the procedure (called once per allowed actor). */
  input: (world: AccessWorld) => unknown | Promise<unknown>;
  /**
   * For procedures that take ids of an organization's objects: an input that names
   * `other`'s own organization but ids of `home`'s objects. The owner of `other` must get
   * NOT_FOUND and nothing of `home` may change.
   */
  foreignIdsInput?: (world: AccessWorld) => unknown | Promise<unknown>;
  /**
   * An input of `home`'s owner that mixes `home`'s own ids with `other`'s (an own connection
   * with another organization's register; own and foreign feed rows in one call): refused
   * NOT_FOUND, and neither organization's rows change.
   */
  mixedIdsInput?: (world: AccessWorld) => unknown | Promise<unknown>;
  /** Why the procedure's id fields name nothing an organization owns (e.g. a catalog institution). */
  idsAreNotOrganizationData?: string;
}

export type AccessCases = Record<string, AccessCase>;
