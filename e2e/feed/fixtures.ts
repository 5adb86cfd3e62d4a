import { expect, type Locator, type Page } from "@playwright/test";
import type { Api } from "../support/trpc";

// Feed specs work in an organization of their own (the portal specs' `org` fixture), and link
// the bank through the API when the link itself is not what they are about.

/**
 * Links the sandbox's `demo` login (checking and savings) and follows both accounts: into
 * new registers, or into the registers given by account kind (a re-add). The first retrieval
 * brings their history into the feed.
 */
export async function linkDemo(api: Api, orgSlug: string, registers?: Record<string, string>) {
  const linked = await api.connections.link.mutate({
    orgSlug,
    institutionId: "sandbox-bank-personal",
    credentials: { username: "demo", password: "go" },
  });
  expect(linked.kind).toBe("connected");
  const connectionId = linked.connectionId!;
  const connection = await api.connections.get.query({ orgSlug, connectionId });
  const retrieved = await api.connections.chooseAccounts.mutate({
    orgSlug,
    connectionId,
    choices: connection.accounts.map((a) =>
      registers
        ? { bankAccountId: a.id, link: true, registerId: registers[a.kind] }
        : { bankAccountId: a.id, link: true, newRegisterName: `${a.name} books` },
    ),
  });
  expect(retrieved).toMatchObject({ kind: "connected", status: "ACTIVE" });
  const accounts = (await api.connections.get.query({ orgSlug, connectionId })).accounts;
  return { connectionId, accounts, registers: Object.fromEntries(accounts.map((a) => [a.kind, a.register!.id])) };
}

export const feedTable = (page: Page) =>
  page.getByRole("table", { name: /Bank feed transactions|Hidden transactions/ });

/** The number in a button's name, as in "Import all new (12)". */
export const buttonCount = async (page: Page, name: RegExp) =>
  Number(/\((\d+)\)/.exec(await page.getByRole("button", { name }).innerText())![1]);

/** The bank accounts the feed offers (not those of removed connections). */
export async function feedAccounts(page: Page) {
  const options = page.getByLabel("Bank account").locator("option");
  await expect(options.first()).toBeAttached();
  const all = await options.evaluateAll((nodes) =>
    nodes.map((n) => ({ value: (n as HTMLOptionElement).value, label: n.textContent ?? "" })),
  );
  return all.filter((o) => !o.label.includes("(removed)"));
}

/** Waits for the feed's list to settle after a change of account, view or filter. */
export async function feedSettled(page: Page) {
  await expect(feedTable(page)).toHaveAttribute("aria-busy", "false");
}

export async function showFeed(
  page: Page,
  bankAccountId: string,
  view: "To review" | "New" | "Possible duplicates" | "Imported" | "All",
) {
  await page.getByLabel("Bank account").selectOption(bankAccountId);
  await page.getByLabel("Show", { exact: true }).selectOption({ label: view });
  await feedSettled(page);
}

/** How many transactions the pager says the list holds (over all its pages). */
export async function listTotal(page: Page, noun: "transactions" | "entries" = "transactions") {
  const pager = page.getByRole("navigation", { name: `Pages of ${noun}` });
  await expect(pager).toContainText(new RegExp(`No ${noun}|of [\\d,]+ ${noun}`));
  const text = await pager.innerText();
  return text.includes(`No ${noun}`) ? 0 : Number(new RegExp(`of ([\\d,]+) ${noun}`).exec(text)![1]!.replace(/,/g, ""));
}

/** The counts the feed states for the chosen account: "12 new transactions, 3 possible duplicates, 1 hidden, 4 imported." */
export async function accountCounts(page: Page) {
  const line = page.getByText(/new transactions?, [\d,]+ possible duplicates?, \d+ hidden, \d+ imported\./);
  const match = /([\d,]+) new transactions?, ([\d,]+) possible duplicates?, (\d+) hidden, (\d+) imported/.exec(
    await line.innerText(),
  )!;
  const n = (i: number) => Number(match[i]!.replace(/,/g, ""));
  return { new: n(1), flagged: n(2), hidden: n(3), imported: n(4) };
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Mar 4, 2026" as the pages show a day, to `2026-03-04`. */
export function isoDayOf(shown: string) {
  const [, month, day, year] = /^(\w{3}) (\d{1,2}), (\d{4})$/.exec(shown.trim())!;
  return `${year}-${String(months.indexOf(month!) + 1).padStart(2, "0")}-${day!.padStart(2, "0")}`;
}

/** "-$1,250.00" as the pages show money, to cents. */
export const centsOf = (shown: string) => Math.round(Number(shown.trim().replace(/[$,]/g, "")) * 100);

export interface ShownRow {
  /** The mark at the row's left: "Possible duplicate" or "". */
  mark: string;
  /** The day as shown ("Mar 4, 2026"); the row's actions are named "<action> <description> on <shown>". */
  shownDate: string;
  date: string;
  /** The first line of the description cell (the bank's description). */
  description: string;
  /** The whole description cell, with what a flagged or hidden row matches. */
  note: string;
  amountCents: number;
  status: string;
  state: string;
}

/** The rows of a table as a person reads them, by column heading. */
async function readTable(table: Locator): Promise<Record<string, string>[]> {
  return table.getByRole("row").evaluateAll((rows) => {
    const [head, ...body] = rows as HTMLTableRowElement[];
    const names = [...head!.cells].map((cell) => (cell.textContent ?? "").trim());
    return body
      .filter((row) => row.cells.length === names.length)
      .map((row) =>
        Object.fromEntries(names.map((name, at) => [name, (row.cells[at] as HTMLElement).innerText.trim()])),
      );
  });
}

/** The feed rows of the page shown. */
export async function feedRows(page: Page): Promise<ShownRow[]> {
  await feedSettled(page);
  return (await readTable(feedTable(page))).map((cells) => ({
    mark: cells["Duplicate mark"]!,
    shownDate: cells.Date!,
    date: isoDayOf(cells.Date!),
    description: cells.Description!.split("\n")[0]!,
    note: cells.Description!,
    amountCents: centsOf(cells.Amount!),
    status: cells.Status!,
    state: cells.State!,
  }));
}

/** The register entries of the page shown, newest first, with the balance after each. */
export async function registerRows(page: Page) {
  const table = page.getByRole("table", { name: /Entries of the register/ });
  await expect(table).toHaveAttribute("aria-busy", "false");
  return (await readTable(table)).map((cells) => ({
    date: isoDayOf(cells.Date!),
    description: cells.Description!.split("\n")[0]!,
    source: cells.Description!.split("\n").slice(1).join(" "),
    amountCents: centsOf(cells.Amount!),
    balanceCents: centsOf(cells.Balance!),
  }));
}

/** How a row's actions name it: "Hide <what>", "Import <what>", "Not a duplicate: <what>". */
export const rowName = (row: Pick<ShownRow, "description" | "shownDate">) => `${row.description} on ${row.shownDate}`;

/** Rows of the page that no other row shares a name with (two coffees on one day do), posted ones first. */
export function distinctRows(rows: ShownRow[]) {
  const names = rows.map(rowName);
  const once = rows.filter((row) => names.indexOf(rowName(row)) === names.lastIndexOf(rowName(row)));
  return [...once.filter((row) => row.status === "Posted"), ...once.filter((row) => row.status !== "Posted")];
}

/**
 * After a re-link, through the API: `demo` linked, its checking account imported into the
 * books except its `leaveOut` newest transactions, the bank removed and linked again into the
 * same registers. Checking's history is back, flagged; the left-out ones are new.
 */
export async function relinkedChecking(api: Api, orgSlug: string, leaveOut = 0) {
  const first = await linkDemo(api, orgSlug);
  const checking = first.accounts.find((a) => a.kind === "checking")!;
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const list = await api.feed.list.query({
      orgSlug,
      bankAccountId: checking.id,
      view: "review",
      page,
      pageSize: 200,
    });
    ids.push(...list.rows.map((row) => row.id));
    if (ids.length >= list.total) break;
  }
  await api.feed.import.mutate({ orgSlug, transactionIds: ids.slice(leaveOut) });
  await api.connections.remove.mutate({ orgSlug, connectionId: first.connectionId });
  const again = await linkDemo(api, orgSlug, first.registers);
  return {
    account: again.accounts.find((a) => a.kind === "checking")!,
    connectionId: again.connectionId,
    registers: again.registers,
  };
}

/** The row of the feed table whose actions name it. */
export const feedRow = (page: Page, row: Pick<ShownRow, "description" | "shownDate">) =>
  feedTable(page)
    .getByRole("row")
    .filter({
      has: page.getByRole("button", { name: new RegExp(`^(Hide|Un-hide|Import) ${escapeRegExp(rowName(row))}$`) }),
    });

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The matcher's score a flagged or hidden row's note states ("· score 0.97"). */
export const scoreOf = (row: ShownRow) => Number(/score ([01]\.\d\d)/.exec(row.note)?.[1] ?? NaN);
