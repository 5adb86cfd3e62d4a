import { throwawayDatabase } from "./lib/bench-database";
import { loadavg } from "node:os";
import type { Transaction } from "@/server/aggregator/client";
import { createDb, Prisma, type Db } from "@/server/db/client";
import { migrate } from "@/server/db/migrate";
import { benchData } from "@/server/dedup/eval/bench-data";
import { hideAllPossibleDuplicates, unhideBatch } from "@/server/feed/hide-all";
import { ingestBankTransactions, type IngestPhases } from "@/server/feed/ingest";
import { listFeed } from "@/server/feed/list";
import { importTransactions } from "@/server/feed/review";
import { listEntries } from "@/server/register/service";
import { importStatement } from "@/server/statements/import";
import { ofxBytes } from "@/server/statements/testing/ofx";
import { rowsJson } from "@/server/feed/sql";

// `npm run bench:feed`: a register of 200 000 entries, a retrieval of 20 000 transactions
// matched against it through the real database (ingest), all 20 000 flagged and hidden with
// one Hide all and brought back with Un-hide all, then all 20 000 imported, and the same 20 000
// as an OFX statement file from its bytes to the feed; three trials, the median reported.
// Runs on a throwaway database on TEST_DATABASE_URL's server, or
// on an embedded PostgreSQL.

const ENTRIES = 200_000;
const INCOMING = 20_000;
/** Each trial matches and imports on a fresh bank account of the same register; the median is reported. */
const TRIALS = 3;
/** Hide all of an account's 20 000 possible duplicates, on the project's 2-core machines. */
const HIDE_ALL_TARGET_S = 2;

const say = (message: string) => console.log(message);

async function main() {
  const database = await throwawayDatabase({ name: "bankline-bench", serverUrl: process.env.TEST_DATABASE_URL, say });
  const url = database.url;
  const db = createDb(url);
  try {
    await migrate(url);
    const setup = await loadRegister(db);
    const matchTimes: number[] = [];
    const importTimes: number[] = [];
    const hideTimes: number[] = [];
    const unhideTimes: number[] = [];
    const statementTimes: number[] = [];
    // The same 20 000 transactions as a bank's OFX statement file, its references the FITIDs.
    const statement = ofxBytes([
      {
        number: "000123450042",
        rows: setup.transactions.map((t) => ({
          fitid: t.id,
          date: t.postedDate,
          amountCents: t.amountCents,
          name: t.description,
        })),
      },
    ]);
    say(`statement file: ${INCOMING} transactions, ${(statement.length / 1024 / 1024).toFixed(1)} MB of OFX`);
    const phaseTimes: IngestPhases[] = [];
    say(`load average before the trials: ${describeLoad()}`);
    for (let trial = 1; trial <= TRIALS; trial++) {
      const bankAccountId = await newBankAccount(db, setup, trial);
      const phases: IngestPhases = {};
      let started = performance.now();
      const ingested = await ingestBankTransactions(
        db,
        { organizationId: setup.organizationId, bankAccountId, transactions: setup.transactions },
        { phases },
      );
      matchTimes.push((performance.now() - started) / 1000);
      phaseTimes.push(phases);

      // After a re-link every row is a possible duplicate: the rows the matcher left new are flagged too.
      await db.feedTransaction.updateMany({
        where: { bankAccountId, state: "NEW" },
        data: { state: "POSSIBLE_DUPLICATE" },
      });
      const actor = { userId: setup.userId, email: null, ipAddress: null };
      started = performance.now();
      const hidden = await hideAllPossibleDuplicates(db, {
        organizationId: setup.organizationId,
        actor,
        bankAccountId,
        filters: {},
        expectedCount: INCOMING,
      });
      hideTimes.push((performance.now() - started) / 1000);
      started = performance.now();
      const unhidden = await unhideBatch(db, { organizationId: setup.organizationId, actor, batchId: hidden.batchId! });
      unhideTimes.push((performance.now() - started) / 1000);
      if (hidden.hidden !== INCOMING || unhidden.unhidden !== INCOMING)
        throw new Error(`hid ${hidden.hidden} and brought back ${unhidden.unhidden} of ${INCOMING}`);

      const feed = await db.feedTransaction.findMany({
        where: { bankAccountId, state: { not: "HIDDEN" } },
        select: { id: true },
      });
      started = performance.now();
      const imported = await importTransactions(db, {
        organizationId: setup.organizationId,
        actorUserId: setup.userId,
        transactionIds: feed.map((row) => row.id),
        confirmFlagged: true,
      });
      importTimes.push((performance.now() - started) / 1000);
      say(
        `trial ${trial}: matched ${INCOMING} in ${matchTimes.at(-1)!.toFixed(3)} s ` +
          `(${ingested.flagged} flagged, ${ingested.added - ingested.flagged} new), ` +
          `hid all ${hidden.hidden} in ${hideTimes.at(-1)!.toFixed(3)} s, ` +
          `un-hid them in ${unhideTimes.at(-1)!.toFixed(3)} s, ` +
          `imported ${imported.imported} in ${importTimes.at(-1)!.toFixed(3)} s`,
      );
      say(`  matching: ${describePhases(phases)}`);
      if (trial === TRIALS) say(await timeLists(db, setup, bankAccountId));
      await forgetTrial(db, bankAccountId);

      // A statement file of the same transactions, from the bytes to the feed: reading, matching, writing.
      const statementAccount = await newBankAccount(db, setup, TRIALS + trial);
      started = performance.now();
      const [fromFile] = (
        await importStatement(db, {
          organizationId: setup.organizationId,
          actorUserId: setup.userId,
          fileName: "bench.ofx",
          bytes: statement,
          targets: [{ account: 0, bankAccountId: statementAccount }],
        })
      ).accounts;
      statementTimes.push((performance.now() - started) / 1000);
      say(
        `  statement file: ${fromFile!.received} rows from OFX to the feed ` +
          `in ${statementTimes.at(-1)!.toFixed(3)} s (${fromFile!.flagged} flagged)`,
      );
      await forgetTrial(db, statementAccount);
    }
    const match = median(matchTimes);
    say(`load average after the trials: ${describeLoad()}`);
    say(`matching, median per step: ${describePhases(medianPhases(phaseTimes))}`);
    const hideAll = median(hideTimes);
    say(
      `Hide all on ${INCOMING} flagged rows: ${hideAll.toFixed(3)} s ` +
        `(median; target under ${HIDE_ALL_TARGET_S} s: ${hideAll < HIDE_ALL_TARGET_S ? "met" : "MISSED"})`,
    );
    console.log(
      `bench:feed match_s=${match.toFixed(3)} import_s=${median(importTimes).toFixed(3)} ` +
        `rows_per_s=${Math.round(INCOMING / match)} hide_all_s=${hideAll.toFixed(3)} ` +
        `unhide_all_s=${median(unhideTimes).toFixed(3)} statement_s=${median(statementTimes).toFixed(3)}`,
    );
  } finally {
    await db.$disconnect();
    await database.dispose();
  }
}

/** An organization with one bank account posting to a register of 200 000 imported entries. */
async function loadRegister(db: Db) {
  say(`loading ${ENTRIES} register entries…`);
  const data = benchData(ENTRIES, INCOMING);
  const org = await db.organization.create({
    data: { slug: `bench-${Date.now()}`, name: "Bench" },
    select: { id: true },
  });
  const user = await db.user.create({
    data: { email: `bench-${Date.now()}@bench.example`, name: "Bench", passwordHash: "-" },
    select: { id: true },
  });
  await db.institution.create({
    data: { id: "bench-bank", name: "Bench Bank", variant: "BUSINESS", loginUrl: "https://bench.example" },
  });
  const register = await db.register.create({
    data: { organizationId: org.id, name: "Operating", kind: "checking" },
    select: { id: true },
  });

  const chunk = 20_000;
  for (let from = 0; from < data.existing.length; from += chunk) {
    const rows = data.existing.slice(from, from + chunk).map((row) => ({
      id: `bench-${row.id}`,
      date: row.date,
      amountCents: row.amountCents,
      description: row.description,
      providerId: row.providerIds[0]!,
    }));
    await db.$executeRaw(Prisma.sql`
      WITH x AS (
        SELECT * FROM json_to_recordset(${rowsJson(rows)}::json)
          AS x(id text, date date, "amountCents" int, description text, "providerId" text)
      ),
      entries AS (
        INSERT INTO "RegisterEntry" (id, "organizationId", "registerId", date, "amountCents", description, source)
        SELECT x.id, ${org.id}, ${register.id}, x.date, x."amountCents", x.description, 'IMPORT'::"RegisterEntrySource"
        FROM x
      )
      INSERT INTO "RegisterEntryProviderId" (id, "organizationId", "registerEntryId", "providerTransactionId")
      SELECT 'p' || x.id, ${org.id}, x.id, x."providerId" FROM x`);
  }
  await db.$executeRaw(Prisma.sql`ANALYZE`);

  const transactions: Transaction[] = data.incoming.map((row) => ({
    id: row.providerId!,
    accountId: "operating",
    amountCents: row.amountCents,
    postedDate: row.date,
    transactionDate: row.date,
    description: row.description,
    checkNumber: null,
    pending: row.pending,
    pendingTransactionId: null,
    category: null,
  }));
  return { organizationId: org.id, userId: user.id, registerId: register.id, transactions };
}

type Setup = Awaited<ReturnType<typeof loadRegister>>;

/** A freshly linked bank account posting to the register, as after a re-link. */
async function newBankAccount(db: Db, setup: Setup, trial: number): Promise<string> {
  const connection = await db.connection.create({
    data: { organizationId: setup.organizationId, institutionId: "bench-bank", status: "ACTIVE" },
    select: { id: true },
  });
  const account = await db.bankAccount.create({
    data: {
      organizationId: setup.organizationId,
      connectionId: connection.id,
      providerAccountId: `operating-${trial}`,
      name: "Operating",
      kind: "checking",
      mask: "0042",
      linked: true,
      registerId: setup.registerId,
    },
    select: { id: true },
  });
  return account.id;
}

/**
 * What a person paging the lists waits for, with the account's 20 000 feed rows imported into
 * the register (220 000 entries): the first and the last page of 50, and a filtered page.
 * Each is timed after one untimed call, as a person's second click would be.
 */
async function timeLists(db: Db, setup: Setup, bankAccountId: string): Promise<string> {
  const { organizationId, registerId } = setup;
  const page = 50;
  const timed = async (read: () => Promise<unknown>) => {
    await read();
    const started = performance.now();
    await read();
    return `${Math.round(performance.now() - started)} ms`;
  };
  const feed =
    (extra: Partial<Parameters<typeof listFeed>[2]> = {}) =>
    () =>
      listFeed(db, organizationId, { bankAccountId, view: "imported", page: 1, pageSize: page, ...extra });
  const register =
    (extra: Partial<Parameters<typeof listEntries>[2]> = {}) =>
    () =>
      listEntries(db, organizationId, { registerId, page: 1, pageSize: page, ...extra });
  const entries = await db.registerEntry.count({ where: { registerId } });
  return (
    `  lists: feed (${INCOMING} rows) first page ${await timed(feed())}, ` +
    `last page ${await timed(feed({ page: INCOMING / page }))}, ` +
    `text filter ${await timed(feed({ text: "coffee" }))}; ` +
    `register (${entries} entries) first page ${await timed(register())}, ` +
    `last page ${await timed(register({ page: Math.ceil(entries / page) }))}, ` +
    `date range ${await timed(register({ from: "2025-06-01", to: "2025-06-30" }))}, ` +
    `text filter ${await timed(register({ text: "coffee" }))}`
  );
}

/** Takes the trial's imports and feed out again, so every trial meets the same 200 000 entries. */
async function forgetTrial(db: Db, bankAccountId: string) {
  await db.$executeRaw(Prisma.sql`DELETE FROM "FeedHideBatch" WHERE "bankAccountId" = ${bankAccountId}`);
  await db.$executeRaw(
    Prisma.sql`DELETE FROM "RegisterEntry"
      WHERE "feedTransactionId" IN (SELECT id FROM "FeedTransaction" WHERE "bankAccountId" = ${bankAccountId})`,
  );
  await db.$executeRaw(Prisma.sql`DELETE FROM "FeedTransaction" WHERE "bankAccountId" = ${bankAccountId}`);
  await db.$executeRaw(Prisma.sql`VACUUM ANALYZE`);
}

/** The machine is shared: the figures mean little without how busy it was (1, 5 and 15 minutes). */
const describeLoad = () =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");

const PHASES: (keyof IngestPhases)[] = ["begin", "known", "read", "match", "write", "commit"];

function describePhases(phases: IngestPhases): string {
  return PHASES.map((phase) => `${phase} ${(phases[phase] ?? 0).toFixed(3)}`).join(", ");
}

function medianPhases(trials: IngestPhases[]): IngestPhases {
  return Object.fromEntries(PHASES.map((phase) => [phase, median(trials.map((trial) => trial[phase] ?? 0))]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

await main();
