import { beforeAll, describe, expect, it } from "vitest";
import { matchTransactions, type ExistingTransaction, type IncomingTransaction } from "@/server/dedup";
import { benchData } from "@/server/dedup/eval/bench-data";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, uniqueSuffix, type OrgFixture } from "@/server/testing/fixtures";
import { loadExisting, matchWindow } from "./existing";
import { createBooks, type Books } from "./testing/books";

// Ingest reads only the register entries the matcher can pair with a batch. This proves that
// matching against what it reads gives exactly what matching against the whole register and
// every tombstone gives, for a busy register with checks, pending imports and known ids.

let fx: OrgFixture;
let books: Books;
let everything: ExistingTransaction[];
let incoming: IncomingTransaction[];
const db = () => testDb();

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Feed existing");
  books = await createBooks(db(), fx.org.id);
  const old = await createBooks(db(), fx.org.id, { registerId: books.registerId });
  const prefix = uniqueSuffix();
  const data = benchData(4_000, 600, 7);
  const account = books.registerId;
  const rows: ExistingTransaction[] = data.existing.map((row) => ({
    ...row,
    id: `${prefix}-${row.id}`,
    account,
    providerIds: row.providerIds.map((id) => `${prefix}-${id}`),
  }));
  const lastDate = rows[rows.length - 1]!.date;
  const extra: ExistingTransaction[] = [
    {
      id: `${prefix}-opening`,
      account,
      date: "2020-01-02",
      amountCents: 777_777,
      description: "OPENING BALANCE",
      checkNumber: null,
      providerIds: [],
      kind: "register",
      pending: false,
    },
    {
      id: `${prefix}-chk1`,
      account,
      date: lastDate,
      amountCents: -12_345,
      description: "CHECK 1201",
      checkNumber: "1201",
      providerIds: [`${prefix}-pc1`],
      kind: "register",
      pending: false,
    },
    {
      id: `${prefix}-chk2`,
      account,
      date: lastDate,
      amountCents: -33_333,
      description: "Check number 1300 - Joe's Plumbing",
      checkNumber: null,
      providerIds: [],
      kind: "register",
      pending: false,
    },
    {
      id: `${prefix}-pend1`,
      account,
      date: lastDate,
      amountCents: -2_401,
      description: "TST* PANERA BREAD 601",
      checkNumber: null,
      providerIds: [`${prefix}-pp1`],
      kind: "register",
      pending: true,
    },
    {
      id: `${prefix}-pend2`,
      account,
      date: lastDate,
      amountCents: -1_777,
      description: "UBER *TRIP",
      checkNumber: null,
      providerIds: [`${prefix}-pp2`],
      kind: "register",
      pending: true,
    },
    // Imported while pending a year before the batch, at an amount the batch does not have.
    {
      id: `${prefix}-pend-old`,
      account,
      date: rows[0]!.date,
      amountCents: -60_123,
      description: "SHELL OIL 57444",
      checkNumber: null,
      providerIds: [`${prefix}-pp3`],
      kind: "register",
      pending: true,
    },
    {
      id: `${prefix}-known`,
      account,
      date: lastDate,
      amountCents: -88_888,
      description: "AMAZON MKTPLACE PMTS",
      checkNumber: null,
      providerIds: [`${prefix}-known1`, `${prefix}-known2`],
      kind: "register",
      pending: false,
    },
  ];
  // Entries with provider ids were imported from a bank feed; the others were typed by hand.
  everything = [...rows, ...extra].map((row) =>
    row.kind === "register" ? { ...row, fromBank: row.providerIds.length > 0 } : row,
  );

  const entries = everything.filter((row) => row.kind === "register");
  await db().registerEntry.createMany({
    data: entries.map((row) => ({
      id: row.id,
      organizationId: fx.org.id,
      registerId: books.registerId,
      date: new Date(`${row.date}T00:00:00Z`),
      amountCents: row.amountCents,
      description: row.description,
      checkNumber: row.checkNumber ?? null,
      source: row.fromBank ? ("IMPORT" as const) : ("MANUAL" as const),
    })),
  });
  await db().registerEntryProviderId.createMany({
    data: entries.flatMap((row) =>
      row.providerIds.map((providerTransactionId) => ({
        organizationId: fx.org.id,
        registerEntryId: row.id,
        providerTransactionId,
      })),
    ),
  });
  // Pending imports are known as such by the feed row they came from.
  await db().feedTransaction.createMany({
    data: entries
      .filter((row) => row.pending)
      .map((row) => ({
        organizationId: fx.org.id,
        bankAccountId: old.bankAccountId,
        providerTransactionId: row.providerIds[0]!,
        date: new Date(`${row.date}T00:00:00Z`),
        amountCents: row.amountCents,
        description: row.description,
        pending: true,
        state: "IMPORTED" as const,
        registerEntryId: row.id,
      })),
  });
  await db().feedTransaction.createMany({
    data: everything
      .filter((row) => row.kind === "hidden")
      .map((row) => ({
        id: row.id,
        organizationId: fx.org.id,
        bankAccountId: old.bankAccountId,
        providerTransactionId: row.providerIds[0]!,
        date: new Date(`${row.date}T00:00:00Z`),
        amountCents: row.amountCents,
        description: row.description,
        state: "HIDDEN" as const,
      })),
  });

  const latest = lastDate;
  incoming = [
    ...data.incoming.map((row) => ({ ...row, account, providerId: `${prefix}-${row.providerId}` })),
    {
      id: "in-chk1",
      account,
      date: latest,
      amountCents: -12_345,
      description: "CHECK 1201",
      pending: false,
      providerId: `${prefix}-x1`,
      checkNumber: "1201",
    },
    {
      id: "in-chk2",
      account,
      date: latest,
      amountCents: -33_300,
      description: "CHECK 1300",
      pending: false,
      providerId: `${prefix}-x2`,
    },
    {
      id: "in-tip",
      account,
      date: latest,
      amountCents: -2_881,
      description: "TST* PANERA BREAD 601",
      pending: false,
      providerId: `${prefix}-x3`,
    },
    {
      id: "in-posted",
      account,
      date: latest,
      amountCents: -2_050,
      description: "UBER TRIP",
      pending: false,
      providerId: `${prefix}-x4`,
      pendingProviderId: `${prefix}-pp2`,
    },
    {
      id: "in-known",
      account,
      date: latest,
      amountCents: -1,
      description: "AMAZON",
      pending: false,
      providerId: `${prefix}-known2`,
    },
  ];
});

/** What ingest reads for this batch, and the proof that the matcher answers on it as on everything. */
async function readAndCompare(batch: IncomingTransaction[]) {
  const { existing, accountKey } = await db().$transaction((tx) =>
    loadExisting(
      tx,
      { organizationId: fx.org.id, registerId: books.registerId, bankAccountId: books.bankAccountId },
      matchWindow(batch),
    ),
  );
  expect(accountKey).toBe(books.registerId);
  const full = matchTransactions({ existing: everything, incoming: batch });
  expect(matchTransactions({ existing, incoming: batch })).toEqual(full);
  const shortId = (id: string) => id.slice(id.lastIndexOf("-") + 1);
  return {
    read: new Set(existing.map((row) => shortId(row.id))),
    fromBank: new Map(existing.map((row) => [shortId(row.id), row.kind === "hidden" || row.fromBank === true])),
    full: new Map(full.map((result) => [result.incomingId, result])),
  };
}

describe("the existing rows ingest reads", () => {
  it("give the matcher the same answer as the whole register and every tombstone", async () => {
    const { read, fromBank, full } = await readAndCompare(incoming);
    expect(read.size).toBeLessThan(everything.length);
    expect([fromBank.get("chk1"), fromBank.get("known"), fromBank.get("chk2"), fromBank.get("opening")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(full.get("in-chk1")).toMatchObject({ matchId: expect.stringMatching(/-chk1$/), tier: "duplicate" });
    expect(full.get("in-posted")).toMatchObject({ matchId: expect.stringMatching(/-pend2$/), tier: "duplicate" });
    expect(full.get("in-chk2")).toMatchObject({ matchId: expect.stringMatching(/-chk2$/) });
    expect(full.get("in-known")).toMatchObject({ matchId: expect.stringMatching(/-known$/), tier: "duplicate" });
    expect([...full.values()].filter((result) => result.matchKind === "hidden").length).toBeGreaterThan(0);
    expect(read).toContain("chk2");
  });

  it("leave out the register's checks when the batch has none, and old pending imports", async () => {
    const withoutChecks = incoming.filter((row) => !row.id.startsWith("in-chk"));
    expect(matchWindow(withoutChecks).checks).toBe(false);
    const { read, full } = await readAndCompare(withoutChecks);
    expect(read).not.toContain("chk2");
    expect(read).toContain("pend1");
    expect(read).not.toContain("old");
    expect(full.get("in-tip")).toMatchObject({ matchId: expect.stringMatching(/-pend1$/) });
  });
});
