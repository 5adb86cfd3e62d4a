import type { Db } from "@/server/db/client";
import type { AccessCases, AccessWorld } from "@/server/testing/access-cases";
import { ensureSandboxInstitution } from "@/server/testing/fixtures";

// A connection row of `home` for procedures that take one. Its login id is unknown to the
// sandbox, so calls that reach the aggregator fail there — after the access check, which
// is what these cases are about.
async function homeConnection(w: AccessWorld) {
  return ensureConnection(w.db, w.home.org.id);
}

export async function ensureConnection(db: Db, organizationId: string) {
  await ensureSandboxInstitution(db);
  const connection = await db.connection.create({
    data: {
      organizationId,
      institutionId: "sandbox-bank-personal",
      status: "ACTIVE",
      providerLoginId: `login_access_${Math.random().toString(36).slice(2)}`,
    },
    select: { id: true },
  });
  const account = await db.bankAccount.create({
    data: {
      organizationId,
      connectionId: connection.id,
      providerAccountId: "acct_access",
      name: "Checking",
      kind: "checking",
      mask: "0001",
    },
    select: { id: true },
  });
  return { connectionId: connection.id, bankAccountId: account.id };
}

async function homeSession(w: AccessWorld) {
  const session = await w.db.connectSession.create({
    data: { organizationId: w.home.org.id, purpose: "LINK" },
    select: { id: true },
  });
  return session.id;
}
const withSession = (w: AccessWorld, extra: Record<string, unknown> = {}) =>
  homeSession(w).then((sessionId) => ({ orgSlug: w.home.org.slug, sessionId, ...extra }));
const foreignSession = (w: AccessWorld, extra: Record<string, unknown> = {}) =>
  homeSession(w).then((sessionId) => ({ orgSlug: w.other.org.slug, sessionId, ...extra }));

const withConnection = (w: AccessWorld, extra: Record<string, unknown> = {}) =>
  homeConnection(w).then(({ connectionId }) => ({ orgSlug: w.home.org.slug, connectionId, ...extra }));
const foreign = (w: AccessWorld, extra: Record<string, unknown> = {}) =>
  homeConnection(w).then(({ connectionId }) => ({ orgSlug: w.other.org.slug, connectionId, ...extra }));

const read = { kind: "org", permission: "org.read" } as const;
const manage = { kind: "org", permission: "connections.manage" } as const;
const retrieve = { kind: "org", permission: "connections.retrieve" } as const;
const credentials = { username: "demo", password: "wrong-password-access" };

export const connectionsAccessCases: AccessCases = {
  "connections.list": { access: read, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "connections.get": { access: read, input: (w) => withConnection(w), foreignIdsInput: (w) => foreign(w) },
  "connections.notices": { access: read, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "connections.registers": { access: read, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "connections.searchInstitutions": { access: manage, input: (w) => ({ orgSlug: w.home.org.slug, text: "sandbox" }) },
  "connections.link": {
    access: manage,
    input: (w) => ({ orgSlug: w.home.org.slug, institutionId: "sandbox-bank-personal", credentials }),
    idsAreNotOrganizationData: "institutionId names an institution of the aggregator's public catalog",
  },
  "connections.answerMfa": {
    access: retrieve,
    input: (w) => withConnection(w, { answer: "blue" }),
    foreignIdsInput: (w) => foreign(w, { answer: "blue" }),
  },
  "connections.resume": { access: retrieve, input: (w) => withConnection(w), foreignIdsInput: (w) => foreign(w) },
  "connections.retrieve": { access: retrieve, input: (w) => withConnection(w), foreignIdsInput: (w) => foreign(w) },
  "connections.updateLogin": {
    access: manage,
    input: (w) => withConnection(w, { credentials }),
    foreignIdsInput: (w) => foreign(w, { credentials }),
  },
  "connections.connectLink": {
    access: manage,
    input: (w) => ({ orgSlug: w.home.org.slug, institutionId: "sandbox-bank-personal" }),
    idsAreNotOrganizationData: "institutionId names an institution of the aggregator's public catalog",
  },
  "connections.connectFix": { access: manage, input: (w) => withConnection(w), foreignIdsInput: (w) => foreign(w) },
  "connections.connectAnswer": {
    access: retrieve,
    input: (w) => withConnection(w),
    foreignIdsInput: (w) => foreign(w),
  },
  "connections.connectSession": {
    access: read,
    input: (w) => withSession(w),
    foreignIdsInput: (w) => foreignSession(w),
  },
  "connections.connectReturned": {
    access: retrieve,
    input: (w) => withSession(w, { ending: "cancelled" }),
    foreignIdsInput: (w) => foreignSession(w, { ending: "completed" }),
  },
  "connections.remove": { access: manage, input: (w) => withConnection(w), foreignIdsInput: (w) => foreign(w) },
  "connections.chooseAccounts": {
    access: manage,
    input: async (w) => {
      const { connectionId, bankAccountId } = await homeConnection(w);
      return { orgSlug: w.home.org.slug, connectionId, choices: [{ bankAccountId, link: false }] };
    },
    foreignIdsInput: async (w) => {
      const { connectionId, bankAccountId } = await homeConnection(w);
      return {
        orgSlug: w.other.org.slug,
        connectionId,
        choices: [{ bankAccountId, link: true, newRegisterName: "Stolen" }],
      };
    },
    // An own connection's account posted to another organization's register.
    mixedIdsInput: async (w) => {
      const { connectionId, bankAccountId } = await homeConnection(w);
      const foreign = await w.db.register.create({
        data: { organizationId: w.other.org.id, name: `Foreign ${connectionId}`, kind: "checking" },
        select: { id: true },
      });
      return {
        orgSlug: w.home.org.slug,
        connectionId,
        choices: [{ bankAccountId, link: true, registerId: foreign.id }],
      };
    },
  },
};
