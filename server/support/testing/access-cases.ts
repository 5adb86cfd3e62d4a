import type { AccessCases, AccessWorld } from "@/server/testing/access-cases";
import { createUser, ensureSandboxInstitution } from "@/server/testing/fixtures";

// A connection of `home` for the console's procedures. Its login is unknown to the sandbox,
// so a forced refresh fails at the aggregator — after the access check these cases test.
async function homeConnectionId(w: AccessWorld) {
  await ensureSandboxInstitution(w.db);
  const connection = await w.db.connection.create({
    data: {
      organizationId: w.home.org.id,
      institutionId: "sandbox-bank-personal",
      status: "ACTIVE",
      providerLoginId: `login_support_${Math.random().toString(36).slice(2)}`,
    },
    select: { id: true },
  });
  return connection.id;
}

const read = { kind: "staff", permission: "support.read" } as const;
const act = { kind: "staff", permission: "support.act" } as const;
const day = 86_400_000;

export const supportAccessCases: AccessCases = {
  "support.search": { access: read, input: (w) => ({ text: w.home.org.name }) },
  "support.organization": { access: read, input: (w) => ({ slug: w.home.org.slug }) },
  "support.connection": { access: read, input: async (w) => ({ connectionId: await homeConnectionId(w) }) },
  "support.events": { access: read, input: async (w) => ({ connectionId: await homeConnectionId(w), codes: [103] }) },
  "support.outcomes": {
    access: read,
    input: async (w) => ({
      connectionId: await homeConnectionId(w),
      from: new Date(Date.now() - 30 * day),
      to: new Date(),
    }),
  },
  "support.forceRefresh": {
    access: act,
    input: async (w) => ({ connectionId: await homeConnectionId(w), reason: "customer reports missing transactions" }),
  },
  "support.knownIssues": { access: read, input: () => undefined },
  "support.connectionEmails": { access: read, input: async (w) => ({ connectionId: await homeConnectionId(w) }) },
  "support.resetTwoFactor": {
    access: act,
    input: async (w) => ({
      userId: (await createUser(w.db)).id,
      reason: "lost their phone, identity checked by call-back",
    }),
  },
  "support.institutionHealth": { access: read, input: () => ({ window: "24h" }) },
  "support.audit": { access: read, input: (w) => ({ organization: w.home.org.slug }) },
  "support.auditActions": { access: read, input: () => undefined },
  "support.work": { access: read, input: () => undefined },
};
