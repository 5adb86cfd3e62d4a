import { randomBytes } from "node:crypto";
import { expect, test as base, type Locator, type Page } from "@playwright/test";
import { hashPassword } from "@/server/auth/password";
import { openNotice } from "@/server/connections/notices";
import type { OrgRole } from "@/server/trpc/permissions";
import { expectSignedInAt, signIn } from "../support/pages";
import { e2eDb, e2eStack } from "../support/stack";

// Every portal spec works in an organization of its own, signed in as a person of its own,
// so specs run in parallel against one stack without seeing each other's connections.

const PASSWORD = "portal-e2e-password";

export interface PortalOrg {
  id: string;
  slug: string;
  name: string;
  /** Signs the page in as a new person with this role in the organization. */
  signInAs: (page: Page, role: OrgRole) => Promise<void>;
  institutionsUrl: string;
}

async function createOrganization(): Promise<Omit<PortalOrg, "signInAs">> {
  const suffix = randomBytes(4).toString("hex");
  const org = await e2eDb().organization.create({
    data: { slug: `portal-${suffix}`, name: `Portal Test ${suffix}` },
    select: { id: true, slug: true, name: true },
  });
  return { ...org, institutionsUrl: `/${org.slug}/institutions` };
}

let passwordHash: Promise<string> | undefined;

async function createMember(organizationId: string, role: OrgRole) {
  const email = `${role.toLowerCase()}-${randomBytes(4).toString("hex")}@portal.example`;
  passwordHash ??= hashPassword(PASSWORD);
  await e2eDb().user.create({
    data: {
      email,
      name: `${role} person`,
      passwordHash: await passwordHash,
      memberships: { create: { organizationId, role } },
    },
  });
  return email;
}

export const test = base.extend<{ org: PortalOrg }>({
  org: async ({}, provide) => {
    const org = await createOrganization();
    await provide({
      ...org,
      signInAs: async (page, role) => {
        await signIn(page, await createMember(org.id, role), PASSWORD);
        await expectSignedInAt(page, new RegExp(`/${org.slug}/institutions$`));
      },
    });
  },
});
export { expect };

export const aggregatorUrl = () => e2eStack().aggregatorUrl;

/** Forgets accepted terms and changed passwords of one bank user at the sandbox. */
export async function resetBankUser(institutionId: string, username: string) {
  const query = new URLSearchParams({ institutionId, username });
  const res = await fetch(`${aggregatorUrl()}/admin/bank-users?${query}`, { method: "DELETE" });
  expect(res.ok).toBe(true);
}

export const connectionCard = (page: Page, institutionName: string): Locator =>
  page.getByRole("article", { name: institutionName, exact: true });
export const flowDialog = (page: Page): Locator => page.getByRole("dialog");

/** Add institution up to the credentials form: search the catalog and pick a result by its exact name. */
export async function pickInstitution(page: Page, search: string, name: string) {
  await page.getByRole("button", { name: "Add institution" }).click();
  const dialog = flowDialog(page);
  await dialog.getByLabel("Search for your bank or credit union").fill(search);
  await dialog
    .getByRole("list", { name: "Institutions" })
    .getByRole("button", { name: new RegExp(`^${escapeRegExp(name)}`) })
    .click();
  await expect(dialog.getByRole("heading", { name: `Sign in to ${name}` })).toBeVisible();
  return dialog;
}

export async function enterCredentials(dialog: Locator, username: string, password = "go", submit = "Connect") {
  await dialog.getByLabel("Username").fill(username);
  await dialog.getByLabel("Password").fill(password);
  await dialog.getByRole("button", { name: submit }).click();
}

/** Links every discovered account to a new register (the default) and waits for the first retrieval's count. */
export async function chooseAllAccounts(dialog: Locator) {
  await expect(dialog.getByRole("heading", { name: "Choose accounts" })).toBeVisible();
  await dialog.getByRole("button", { name: "Link accounts and retrieve transactions" }).click();
  await expect(dialog.getByText(/\d[\d,]* new transactions? arrived/)).toBeVisible({ timeout: 30_000 });
}

/** The whole first link of a login without security questions; leaves the dialog closed. */
export async function linkInstitution(page: Page, search: string, name: string, username: string) {
  const dialog = await pickInstitution(page, search, name);
  await enterCredentials(dialog, username);
  await chooseAllAccounts(dialog);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  await expect(connectionCard(page, name).getByText("Active", { exact: true })).toBeVisible();
}

/** Signs in at the sandbox bank's own site, in the browser, as a person would. */
export async function signInAtBank(page: Page, institutionId: string, username: string, password = "go") {
  await page.goto(`${aggregatorUrl()}/bank/${institutionId}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("bank-username")).toHaveText(username);
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface SeededConnection {
  connectionId: string;
  institutionName: string;
}

/**
 * A connection written straight into the database, at an institution of its own (so a
 * known issue set on it touches no other spec). For states a page must show that no
 * sandbox login reaches quickly.
 */
export async function seedConnection(
  org: PortalOrg,
  state: {
    status: "ACTIVE" | "ACTION_REQUIRED" | "ERROR";
    lastStatusCode: number;
    knownIssue?: boolean;
    nextRetryAt?: Date;
    loginUrl?: string;
  },
): Promise<SeededConnection> {
  const db = e2eDb();
  const suffix = randomBytes(4).toString("hex");
  const institution = await db.institution.create({
    data: {
      id: `e2e-bank-${suffix}`,
      name: `Seeded Bank ${suffix}`,
      variant: "BUSINESS",
      loginUrl: state.loginUrl ?? `https://business.seeded-${suffix}.example`,
      knownIssueSince: state.knownIssue ? new Date() : null,
      knownIssueCode: state.knownIssue ? 910 : null,
    },
  });
  const now = Date.now();
  const connection = await db.connection.create({
    data: {
      organizationId: org.id,
      institutionId: institution.id,
      providerLoginId: `login_e2e_${suffix}`,
      status: state.status,
      lastStatusCode: state.lastStatusCode,
      lastSuccessAt: new Date(now - 3 * 86_400_000),
      lastAttemptAt: new Date(now - 3_600_000),
      nextRetryAt: state.nextRetryAt ?? null,
      accounts: {
        create: [
          {
            organizationId: org.id,
            providerAccountId: `acct_${suffix}_1`,
            name: "Operating",
            kind: "checking",
            mask: "4321",
            balanceCents: 1_234_567n,
            linked: true,
          },
          {
            organizationId: org.id,
            providerAccountId: `acct_${suffix}_2`,
            name: "Reserve",
            kind: "savings",
            mask: "8765",
            balanceCents: 50_000n,
            linked: false,
          },
        ],
      },
    },
  });
  if (state.knownIssue) {
    // A recent provider-side failure, without which the worker's sweep clears the mark as stale.
    await db.connectionEvent.create({
      data: {
        organizationId: org.id,
        connectionId: connection.id,
        institutionId: institution.id,
        kind: "REFRESH",
        trigger: "SCHEDULE",
        statusCode: 910,
        durationMs: 1000,
      },
    });
  }
  if (state.status === "ACTION_REQUIRED") {
    await openNotice(db, {
      organizationId: org.id,
      connectionId: connection.id,
      statusCode: state.lastStatusCode,
      institutionName: institution.name,
      institutionUrl: institution.loginUrl,
    });
  }
  return { connectionId: connection.id, institutionName: institution.name };
}
