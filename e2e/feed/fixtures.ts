import { randomBytes } from "node:crypto";
import { expect } from "@playwright/test";
import type { OrgRole } from "@/server/trpc/permissions";
import { e2eDb } from "../support/stack";
import { demo, type DemoUser } from "../support/users";
import type { Api } from "../support/trpc";

// Each feed spec works in an organization of its own, joined by demo users (whose signed-in
// storage states the suite already has), so specs run in parallel without meeting.

export async function newOrganization(members: Partial<Record<DemoUser, OrgRole>>) {
  const suffix = randomBytes(4).toString("hex");
  const db = e2eDb();
  const users = await db.user.findMany({ where: { email: { in: Object.keys(members).map((m) => demo[m as DemoUser]) } }, select: { id: true, email: true } });
  return db.organization.create({
    data: {
      slug: `feed-${suffix}`,
      name: `Feed Test ${suffix}`,
      memberships: {
        create: Object.entries(members).map(([user, role]) => ({ userId: users.find((u) => u.email === demo[user as DemoUser])!.id, role: role! })),
      },
    },
    select: { id: true, slug: true },
  });
}

/**
 * Links the sandbox's `demo` login (checking and savings) and follows both accounts: into
 * new registers, or into the registers given by account kind (a re-add). The first retrieval
 * brings their history into the feed.
 */
export async function linkDemo(api: Api, orgSlug: string, registers?: Record<string, string>) {
  const linked = await api.connections.link.mutate({ orgSlug, institutionId: "sandbox-bank-personal", credentials: { username: "demo", password: "go" } });
  expect(linked.kind).toBe("connected");
  const connectionId = linked.connectionId!;
  const connection = await api.connections.get.query({ orgSlug, connectionId });
  const retrieved = await api.connections.chooseAccounts.mutate({
    orgSlug,
    connectionId,
    choices: connection.accounts.map((a) =>
      registers ? { bankAccountId: a.id, link: true, registerId: registers[a.kind] } : { bankAccountId: a.id, link: true, newRegisterName: `${a.name} books` },
    ),
  });
  expect(retrieved).toMatchObject({ kind: "connected", status: "ACTIVE" });
  const accounts = (await api.connections.get.query({ orgSlug, connectionId })).accounts;
  return { connectionId, accounts, registers: Object.fromEntries(accounts.map((a) => [a.kind, a.register!.id])) };
}
