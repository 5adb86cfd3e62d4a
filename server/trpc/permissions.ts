// The permission table: which organization roles and staff roles may do what.
// Procedures name a permission; they never compare roles themselves.

import { OrgRole, type StaffRole } from "@/server/db/generated/enums";

export type { OrgRole, StaffRole };

/** The organization roles of schema.prisma, highest first as it lists them. */
export const ORG_ROLES: readonly OrgRole[] = Object.values(OrgRole);

const everyone: readonly OrgRole[] = ORG_ROLES;
const adminsAndOwners: readonly OrgRole[] = ["OWNER", "ADMIN"];
const exceptViewers: readonly OrgRole[] = ["OWNER", "ADMIN", "MEMBER"];

export const orgPermissions = {
  /** See the organization, its connections, feed and register. */
  "org.read": everyone,
  /** Link, update and remove bank connections; choose which accounts post where. */
  "connections.manage": adminsAndOwners,
  /** Retrieve transactions and answer security questions for an existing connection. */
  "connections.retrieve": exceptViewers,
  /** Hide, import and un-hide feed transactions; add register entries. */
  "books.write": exceptViewers,
  /** Invite people, change members' roles and remove members. */
  "members.manage": adminsAndOwners,
  /** Change the organization's settings (the bank feed's automatic hiding of sure duplicates). */
  "settings.manage": adminsAndOwners,
  /** Require two-factor sign-in of every member. */
  "org.security": ["OWNER"],
} as const satisfies Record<string, readonly OrgRole[]>;
export type OrgPermission = keyof typeof orgPermissions;

export const staffPermissions = {
  /** Read any organization's connections, history, health and audit log. */
  "support.read": ["SUPPORT", "SUPPORT_ADMIN"],
  /** Act: force a refresh, reset someone's two-factor sign-in. */
  "support.act": ["SUPPORT_ADMIN"],
} as const satisfies Record<string, readonly StaffRole[]>;
export type StaffPermission = keyof typeof staffPermissions;

export function orgRoleAllows(role: OrgRole, permission: OrgPermission): boolean {
  return (orgPermissions[permission] as readonly OrgRole[]).includes(role);
}

export function staffRoleAllows(role: StaffRole | null | undefined, permission: StaffPermission): boolean {
  return !!role && (staffPermissions[permission] as readonly StaffRole[]).includes(role);
}

/** How a procedure is guarded; attached to each procedure as meta by its factory. */
export type Access =
  | { kind: "public" }
  | { kind: "signedIn" }
  | { kind: "org"; permission: OrgPermission }
  | { kind: "staff"; permission: StaffPermission };
