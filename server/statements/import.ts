import { createHash } from "node:crypto";
import type { Transaction } from "@/server/aggregator/client";
import { Prisma, type Db } from "@/server/db/client";
import { DomainError, notFound } from "@/server/errors";
import { ingestWithin, type IngestResult } from "@/server/feed/ingest";
import { STATEMENT_FILES } from "@/server/feed/list";
import { BULK_TRANSACTION, lockBooks, type Tx } from "@/server/feed/sql";
import { newId } from "@/server/db/ids";
import { log } from "@/server/log";
import { trackWork } from "@/server/progress/work-progress";
import type { CsvLayout, CsvMapping } from "./csv";
import type { StatementTarget } from "./schemas";
import { readStatementFile, type StatementFile } from "./read-statement";
import { StatementError, type AccountKind, type Statement, type StatementAccount } from "./types";

// A statement file into the bank feed: its rows land there exactly like a connection's, matched against the
// register the same way, with the same states and review actions. One file, all its accounts, one database
// transaction; the same file twice, or an overlapping statement, adds nothing twice.

export interface PreviewInput {
  organizationId: string;
  fileName: string;
  bytes: Uint8Array;
  csvMapping?: CsvMapping | null;
}

/**
 * Where one account of a file goes: a bank account of the organization,
 * or a register (through an account without a connection).
 */
export type { StatementTarget };

const KIND_LABELS: Record<AccountKind, string> = {
  checking: "Checking",
  savings: "Savings",
  creditCard: "Credit card",
  other: "Account",
};

/** Reads the file and says what it holds, without saving anything. */
export async function previewStatement(db: Db, input: PreviewInput) {
  const remembered = await rememberedMappings(db, input.organizationId);
  let file = read(input.bytes, input.fileName, input.csvMapping);
  let rememberedFor: string | null = null;
  if (file.csv && !input.csvMapping) {
    const match = remembered.find((entry) => entry.mapping && sameColumns(entry.columns, file.csv!.layout.columns));
    if (match) {
      file = read(input.bytes, input.fileName, match.mapping!);
      rememberedFor = match.bankAccountId;
    }
  }
  const accountsByKey = new Map(
    remembered.flatMap((entry) =>
      entry.statementAccountKey ? [[entry.statementAccountKey, entry.bankAccountId] as const] : [],
    ),
  );
  const linked = await db.bankAccount.findMany({
    where: {
      organizationId: input.organizationId,
      linked: true,
      registerId: { not: null },
      OR: [{ connectionId: null }, { connection: { status: { not: "REMOVED" } } }],
    },
    select: { id: true, mask: true, kind: true },
  });
  const statement = file.statement;
  return {
    fileName: input.fileName,
    format: statement?.format ?? "csv",
    encoding: statement?.encoding ?? null,
    csv: file.csv ? { ...csvView(file.csv.layout), mapping: file.csv.mapping, rememberedFor } : null,
    accounts: (statement?.accounts ?? []).map((account, index) => {
      const key = statementAccountKey(account);
      const byKey = key ? accountsByKey.get(key) : undefined;
      const byMask = account.number
        ? linked.filter((b) => b.mask === maskOf(account.number) && kindMatches(b.kind, account.kind))
        : [];
      const suggested = byKey ?? rememberedFor ?? (byMask.length === 1 ? byMask[0]!.id : null);
      const dates = account.transactions.map((t) => t.date).sort();
      return {
        index,
        label: labelOf(account),
        kind: account.kind,
        currency: account.currency,
        signsReversed: account.signsReversed,
        count: account.transactions.length,
        firstDate: dates[0] ?? null,
        lastDate: dates[dates.length - 1] ?? null,
        totalCents: account.transactions.reduce((sum, t) => sum + t.amountCents, 0),
        moneyInCents: account.transactions.reduce((sum, t) => sum + Math.max(0, t.amountCents), 0),
        moneyOutCents: account.transactions.reduce((sum, t) => sum + Math.min(0, t.amountCents), 0),
        suggestedBankAccountId: suggested,
      };
    }),
  };
}

export interface ImportInput extends PreviewInput {
  actorUserId: string;
  targets: StatementTarget[];
}

export interface ImportedAccount {
  account: number;
  bankAccountId: string;
  bankAccountName: string;
  received: number;
  added: number;
  alreadyInFeed: number;
  flagged: number;
  hidden: number;
}

/**
 * Imports the chosen accounts of the file into the bank feed, all or nothing. Each row gets the file's own
 * reference as its bank id (or, for files without one, an id made of its day, amount, wording and place among
 * identical rows), so a row already in the feed is never added again; the rows are matched like retrieved ones.
 */
export async function importStatement(db: Db, input: ImportInput): Promise<{ accounts: ImportedAccount[] }> {
  const file = read(input.bytes, input.fileName, input.csvMapping);
  const statement = file.statement;
  if (!statement)
    throw new DomainError(
      "BAD_REQUEST",
      "Choose which columns hold the date, the amount and the description first. Nothing was imported.",
    );
  if (input.targets.length === 0)
    throw new DomainError("BAD_REQUEST", "Choose where at least one account of the file goes. Nothing was imported.");
  const seen = new Set<number>();
  for (const target of input.targets) {
    if (target.account < 0 || target.account >= statement.accounts.length)
      throw new DomainError(
        "BAD_REQUEST",
        `The file has no account number ${target.account + 1}. Nothing was imported.`,
      );
    if (seen.has(target.account))
      throw new DomainError("BAD_REQUEST", "Each account of the file goes to one place. Nothing was imported.");
    seen.add(target.account);
  }
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  // Progress is written beside the import's transaction, so the support console sees it while the import runs.
  const total = input.targets.reduce((sum, t) => sum + statement.accounts[t.account]!.transactions.length, 0);
  const progress = await trackWork(db, log, {
    kind: "statement-import",
    key: newId(),
    label: `Statement import: ${input.fileName.slice(0, 80)}`,
    organizationId: input.organizationId,
    total,
  });
  try {
    const imported = await writeStatement(db, input, statement, file, sha256, (rows) => progress.advance(rows));
    await progress.finish();
    return imported;
  } catch (error) {
    await progress.rollBack();
    throw error;
  }
}

async function writeStatement(
  db: Db,
  input: ImportInput,
  statement: Statement,
  file: StatementFile,
  sha256: string,
  advance: (rows: number) => Promise<void>,
): Promise<{ accounts: ImportedAccount[] }> {
  return db.$transaction(async (tx) => {
    // Every lock up front, in one order (as ingest takes them), before an account without a connection is made.
    const chosen = input.targets.flatMap((t) => (t.bankAccountId ? [t.bankAccountId] : []));
    const registersOfChosen = await tx.bankAccount.findMany({
      where: { organizationId: input.organizationId, id: { in: chosen } },
      select: { registerId: true },
    });
    await lockBooks(tx, [
      ...chosen,
      ...input.targets.flatMap((t) => (t.registerId ? [t.registerId] : [])),
      ...registersOfChosen.flatMap((b) => (b.registerId ? [b.registerId] : [])),
    ]);
    const destinations = await resolveTargets(tx, input, statement);
    const accounts: ImportedAccount[] = [];
    for (const destination of destinations) {
      const account = statement.accounts[destination.account]!;
      const result: IngestResult = await ingestWithin(tx, {
        organizationId: input.organizationId,
        bankAccountId: destination.id,
        transactions: feedTransactions(account, destination.namespace),
        origin: "STATEMENT",
      });
      await remember(tx, input.organizationId, destination, file);
      const dates = account.transactions.map((t) => t.date).sort();
      await tx.statementImport.create({
        data: {
          organizationId: input.organizationId,
          bankAccountId: destination.id,
          fileName: input.fileName.slice(0, 255),
          format: statement.format,
          fileSha256: sha256,
          received: result.received,
          added: result.added,
          firstDate: new Date(`${dates[0] ?? "1970-01-01"}T00:00:00Z`),
          lastDate: new Date(`${dates[dates.length - 1] ?? "1970-01-01"}T00:00:00Z`),
          createdById: input.actorUserId,
        },
      });
      accounts.push({
        account: destination.account,
        bankAccountId: destination.id,
        bankAccountName: destination.name,
        received: result.received,
        added: result.added,
        alreadyInFeed: result.known,
        flagged: result.flagged,
        hidden: result.hidden,
      });
      await advance(account.transactions.length);
    }
    return { accounts };
  }, BULK_TRANSACTION);
}

function read(bytes: Uint8Array, fileName: string, csvMapping: CsvMapping | null | undefined): StatementFile {
  try {
    return readStatementFile(bytes, { fileName, csvMapping });
  } catch (error) {
    if (error instanceof StatementError)
      throw new DomainError("BAD_REQUEST", `${fileName} cannot be imported: ${error.message}. Nothing was saved.`);
    throw error;
  }
}

function csvView(layout: CsvLayout) {
  return { columns: layout.columns, sample: layout.sample, dateFormats: layout.dateFormats };
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, at) => name.trim().toLowerCase() === b[at]!.trim().toLowerCase());
}

/** Never the number itself: a hash of it (and the bank's id) recognizes the account in the next file. */
export function statementAccountKey(account: Pick<StatementAccount, "number" | "bankId">): string | null {
  const number = account.number?.replace(/[\s-]/g, "");
  if (!number) return null;
  return createHash("sha256")
    .update(`${account.bankId ?? ""}|${number}`)
    .digest("hex");
}

function maskOf(number: string | null): string {
  const digits = (number ?? "").replace(/\W/g, "");
  return digits.slice(-4);
}

function labelOf(account: StatementAccount): string {
  const mask = maskOf(account.number);
  return `${KIND_LABELS[account.kind]}${mask ? ` ••••${mask}` : ""}`;
}

function kindMatches(bankKind: string, kind: AccountKind): boolean {
  const normalized = bankKind.toLowerCase().replace(/[^a-z]/g, "");
  if (kind === "creditCard") return normalized.includes("credit") || normalized.includes("card");
  return normalized === kind || kind === "other" || kind === "checking";
}

interface Remembered {
  bankAccountId: string;
  statementAccountKey: string | null;
  /** The CSV header the mapping was chosen for; empty when none was. */
  columns: string[];
  mapping: CsvMapping | null;
}

async function rememberedMappings(db: Db | Tx, organizationId: string): Promise<Remembered[]> {
  const accounts = await db.bankAccount.findMany({
    where: { organizationId, OR: [{ statementAccountKey: { not: null } }, { csvMapping: { not: Prisma.AnyNull } }] },
    select: { id: true, statementAccountKey: true, csvMapping: true },
    orderBy: { updatedAt: "desc" },
  });
  return accounts.map((account) => {
    const saved = account.csvMapping as { columns?: string[]; mapping?: CsvMapping } | null;
    return {
      bankAccountId: account.id,
      statementAccountKey: account.statementAccountKey,
      columns: saved?.columns ?? [],
      mapping: saved?.mapping ?? null,
    };
  });
}

interface Destination {
  account: number;
  id: string;
  name: string;
  registerId: string;
  /** What the rows' bank ids are made unique by: the file's account, else this bank account. */
  namespace: string;
  statementAccountKey: string | null;
}

async function resolveTargets(tx: Tx, input: ImportInput, statement: Statement): Promise<Destination[]> {
  const destinations: Destination[] = [];
  for (const target of [...input.targets].sort((a, b) => a.account - b.account)) {
    const account = statement.accounts[target.account]!;
    const key = statementAccountKey(account);
    const bank = target.bankAccountId
      ? await chosenBankAccount(tx, input.organizationId, target.bankAccountId)
      : await statementOnlyAccount(tx, input.organizationId, target.registerId!, account, key);
    if (destinations.some((d) => d.id === bank.id))
      throw new DomainError(
        "BAD_REQUEST",
        "Two accounts of the file cannot go to the same bank account. Nothing was imported.",
      );
    destinations.push({
      account: target.account,
      id: bank.id,
      name: bank.name,
      registerId: bank.registerId,
      namespace: key ? key.slice(0, 16) : `acct-${bank.id}`,
      statementAccountKey: key,
    });
  }
  return destinations;
}

async function chosenBankAccount(tx: Tx, organizationId: string, bankAccountId: string) {
  const bank = await tx.bankAccount.findFirst({
    where: { id: bankAccountId, organizationId },
    select: { id: true, name: true, registerId: true, linked: true, connection: { select: { status: true } } },
  });
  if (!bank) throw notFound("That bank account");
  if (!bank.linked || bank.connection?.status === "REMOVED")
    throw new DomainError(
      "PRECONDITION_FAILED",
      `The account “${bank.name}” is no longer linked; choose another. Nothing was imported.`,
    );
  if (!bank.registerId)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `Choose a register for the account “${bank.name}” on Manage Institutions first. Nothing was imported.`,
    );
  return { id: bank.id, name: bank.name, registerId: bank.registerId };
}

/** A register's account without a connection, for the statements of one file account: found again, or made. */
async function statementOnlyAccount(
  tx: Tx,
  organizationId: string,
  registerId: string,
  account: StatementAccount,
  key: string | null,
) {
  const register = await tx.register.findFirst({
    where: { id: registerId, organizationId },
    select: { id: true, name: true },
  });
  if (!register) throw notFound("That register");
  const select = { id: true, name: true, registerId: true } as const;
  if (key) {
    const known = await tx.bankAccount.findFirst({
      where: { organizationId, statementAccountKey: key },
      select: { ...select, connectionId: true },
    });
    if (known && known.registerId === register.id) return { id: known.id, name: known.name, registerId: register.id };
    if (known) {
      throw new DomainError(
        "CONFLICT",
        `Statements of ${labelOf(account)} go to the bank account “${known.name}”; ` +
          "choose it, not a register. Nothing was imported.",
      );
    }
  } else {
    const existing = await tx.bankAccount.findFirst({
      where: { organizationId, registerId: register.id, connectionId: null, statementAccountKey: null },
      select,
      orderBy: { createdAt: "asc" },
    });
    if (existing) return { id: existing.id, name: existing.name, registerId: register.id };
  }
  const created = await tx.bankAccount.create({
    data: {
      organizationId,
      connectionId: null,
      providerAccountId: `statement:${createHash("sha256")
        .update(`${organizationId}|${register.id}|${key ?? ""}`)
        .digest("hex")
        .slice(0, 24)}`,
      name: `${register.name} (${STATEMENT_FILES.toLowerCase()})`,
      kind: account.kind,
      mask: maskOf(account.number),
      linked: true,
      registerId: register.id,
      statementAccountKey: key,
    },
    select,
  });
  return { id: created.id, name: created.name, registerId: register.id };
}

/** The next file of this account goes to the same place, read with the same columns. */
async function remember(tx: Tx, organizationId: string, destination: Destination, file: StatementFile): Promise<void> {
  const data: Prisma.BankAccountUpdateInput = {};
  if (destination.statementAccountKey) {
    const holder = await tx.bankAccount.findFirst({
      where: { organizationId, statementAccountKey: destination.statementAccountKey },
      select: { id: true },
    });
    if (!holder) data.statementAccountKey = destination.statementAccountKey;
  }
  if (file.csv?.mapping)
    data.csvMapping = {
      columns: file.csv.layout.columns,
      mapping: file.csv.mapping,
    } as unknown as Prisma.InputJsonValue;
  if (Object.keys(data).length > 0) await tx.bankAccount.update({ where: { id: destination.id }, data });
}

/**
 * The file's rows as the feed takes a retrieval's. Bank ids are the file's references, made unique per file
 * account; a reference a bank repeats in one file gets `#2`, `#3`; a row without one gets an id of its day,
 * amount, wording and place among identical rows, which an overlapping file gives it again.
 */
export function feedTransactions(account: StatementAccount, namespace: string): Transaction[] {
  const seen = new Map<string, number>();
  return account.transactions.map((row) => {
    const base = row.reference
      ? `ref:${row.reference}`
      : `row:${createHash("sha256")
          .update(`${row.date}|${row.amountCents}|${row.description.trim().replace(/\s+/g, " ").toLowerCase()}`)
          .digest("hex")
          .slice(0, 24)}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return {
      id: `stmt:${namespace}:${base}${count > 1 ? `#${count}` : ""}`,
      accountId: namespace,
      amountCents: row.amountCents,
      postedDate: row.date,
      transactionDate: row.date,
      description: row.description,
      checkNumber: row.checkNumber,
      pending: false,
      pendingTransactionId: null,
      category: null,
    };
  });
}
