import { expect } from "@playwright/test";
import type { Api } from "../support/trpc";

// Feed specs work in an organization of their own (the portal specs' `org` fixture), and link
// the bank through the API when the link itself is not what they are about.

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
