import { linkConnection, startAggregation, type EngineDeps } from "@/server/connections/engine";
import { removeConnection } from "@/server/connections/removal";
import { chooseAccounts } from "@/server/connections/service";
import { hideAllPossibleDuplicates } from "@/server/feed/hide-all";
import { importTransactions } from "@/server/feed/review";
import { addEntry } from "@/server/register/service";

// The demo's re-link, the case Bankline exists for: Riverside's Sandbox Credit Union login
// (`demo`: checking, with the treasurer's card purchases, and savings) was linked two months ago and its history
// imported into the books, except the last week (it came later) and a few payments the bookkeeper had typed into
// the register by hand. A week ago the owner removed the bank and added it again: the sandbox
// gave the same transactions new ids, shifted some dates, rewrote some descriptions, and left
// the newest purchases pending, which posted (some with a tip) at the next two retrievals.
// So the feed holds possible duplicates of what the books have (identical twins included), the
// hand-typed entries matched by their bank rows, a week of new transactions, and a few rows
// hidden with one Hide all, listed under Show hidden. All of it through the real services.

const DAY = 86_400_000;
const INSTITUTION = "sandbox-credit-union";
const USERNAME = "demo";
const REGISTER_OF_KIND: Record<string, string> = {
  checking: "Food Fund Checking",
  savings: "Food Fund Savings",
  credit_card: "Food Fund Card",
};
/** Transactions of the last days arrived after the removal: the books do not have them yet. */
const NEW_SINCE_DAYS = 7;

interface Person {
  id: string;
  email: string;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
/** What a bookkeeper types for "TRADER JOE'S #4341": "Trader Joe's". */
const shortName = (bankDescription: string) =>
  bankDescription
    .replace(/^POS PURCHASE /, "")
    .replace(/[#*].*$/, "")
    .trim()
    .toLowerCase()
    .replace(/(^|\s)\S/g, (c) => c.toUpperCase());

export async function seedDemoRelink(
  deps: EngineDeps,
  args: { org: { id: string; name: string }; owner: Person; bookkeeper: Person },
) {
  const { db } = deps;
  const organizationId = args.org.id;
  const link = async () => {
    const outcome = await linkConnection(deps, {
      organizationId,
      organizationName: args.org.name,
      institutionId: INSTITUTION,
      credentials: { username: USERNAME, password: "go" },
      actorUserId: args.owner.id,
    });
    if (outcome.kind !== "connected")
      throw new Error(`demo re-link: linking ${USERNAME} at ${INSTITUTION} gave ${outcome.kind}`);
    return outcome.connectionId;
  };
  const retrieve = (connectionId: string) =>
    startAggregation(deps, {
      organizationId,
      connectionId,
      source: { kind: "RETRIEVE", trigger: "CUSTOMER", actorUserId: args.bookkeeper.id },
    });

  // The first link: its accounts post to two new registers, and its history comes in.
  const first = await link();
  const accounts = await db.bankAccount.findMany({
    where: { connectionId: first },
    select: { id: true, kind: true },
    orderBy: { kind: "asc" },
  });
  await chooseAccounts(db, {
    organizationId,
    connectionId: first,
    choices: accounts.map((a) => ({
      bankAccountId: a.id,
      link: true,
      newRegisterName: REGISTER_OF_KIND[a.kind] ?? a.kind,
    })),
  });
  await retrieve(first);
  const registers = new Map(
    (await db.bankAccount.findMany({ where: { connectionId: first }, select: { kind: true, registerId: true } })).map(
      (a) => [a.kind, a.registerId!],
    ),
  );

  // The bookkeeper typed a few checking payments into the register herself, in her words: the rent check she wrote
  // (with its number), and the two largest other payments, a day early for one of them.
  const checking = accounts.find((a) => a.kind === "checking")!;
  const older = {
    bankAccountId: checking.id,
    amountCents: { lt: 0 },
    pending: false,
    date: { lt: new Date(Date.now() - NEW_SINCE_DAYS * DAY) },
  };
  const rentCheck = await db.feedTransaction.findFirst({
    where: { ...older, checkNumber: { not: null } },
    orderBy: [{ date: "desc" }],
    select: { id: true, date: true, amountCents: true, description: true, checkNumber: true },
  });
  const otherPayments = await db.feedTransaction.findMany({
    where: { ...older, checkNumber: null, description: { not: { contains: "TRANSFER" } } },
    orderBy: [{ amountCents: "asc" }, { date: "asc" }],
    take: 2,
    select: { id: true, date: true, amountCents: true, description: true, checkNumber: true },
  });
  const payments = [...(rentCheck ? [rentCheck] : []), ...otherPayments];
  for (const [i, payment] of payments.entries()) {
    await addEntry(db, {
      organizationId,
      actorUserId: args.bookkeeper.id,
      registerId: registers.get("checking")!,
      date: isoDay(new Date(payment.date.getTime() - (i === 2 ? DAY : 0))),
      description: payment.checkNumber ? "Rent" : shortName(payment.description),
      amountCents: payment.amountCents,
      checkNumber: payment.checkNumber,
    });
  }
  // Everything else older than a week went into the books.
  const toImport = await db.feedTransaction.findMany({
    where: {
      bankAccountId: { in: accounts.map((a) => a.id) },
      state: "NEW",
      date: { lt: new Date(Date.now() - NEW_SINCE_DAYS * DAY) },
      id: { notIn: payments.map((p) => p.id) },
    },
    select: { id: true },
  });
  await importTransactions(db, {
    organizationId,
    actorUserId: args.bookkeeper.id,
    transactionIds: toImport.map((t) => t.id),
  });

  // Removed and added again; the next two retrievals post what the new link first saw pending.
  await removeConnection(deps, { organizationId, connectionId: first, actorUserId: args.owner.id });
  const again = await link();
  const newAccounts = await db.bankAccount.findMany({
    where: { connectionId: again },
    select: { id: true, kind: true },
  });
  await chooseAccounts(db, {
    organizationId,
    connectionId: again,
    choices: newAccounts.map((a) => ({ bankAccountId: a.id, link: true, registerId: registers.get(a.kind)! })),
  });
  await retrieve(again);
  // The purchases still pending were imported as they were; two retrievals later they posted, some with a tip.
  const pending = await db.feedTransaction.findMany({
    where: { bankAccountId: { in: newAccounts.map((a) => a.id) }, state: "NEW", pending: true },
    select: { id: true },
  });
  await importTransactions(db, {
    organizationId,
    actorUserId: args.bookkeeper.id,
    transactionIds: pending.map((t) => t.id),
  });
  for (let i = 0; i < 2; i++) await retrieve(again);

  // The bookkeeper hid the possible duplicates of the history's first week with one Hide all.
  const newChecking = newAccounts.find((a) => a.kind === "checking")!;
  const oldest = await db.feedTransaction.findFirstOrThrow({
    where: { bankAccountId: newChecking.id },
    orderBy: { date: "asc" },
    select: { date: true },
  });
  const filters = { from: isoDay(oldest.date), to: isoDay(new Date(oldest.date.getTime() + 6 * DAY)), text: null };
  const expectedCount = await db.feedTransaction.count({
    where: {
      bankAccountId: newChecking.id,
      state: { in: ["DUPLICATE", "POSSIBLE_DUPLICATE"] },
      date: { gte: oldest.date, lte: new Date(oldest.date.getTime() + 6 * DAY) },
    },
  });
  if (expectedCount > 0) {
    await hideAllPossibleDuplicates(db, {
      organizationId,
      actor: { userId: args.bookkeeper.id, email: args.bookkeeper.email, ipAddress: "198.51.100.23" },
      bankAccountId: newChecking.id,
      filters,
      expectedCount,
    });
  }

  // Then back to when it happened: the first link two months ago, the removal and the re-add a week ago.
  const now = Date.now();
  const linkedAt = new Date(now - 60 * DAY);
  const relinkedAt = new Date(now - 7 * DAY);
  await db.connection.update({
    where: { id: first },
    data: { createdAt: linkedAt, removedAt: new Date(relinkedAt.getTime() - 10 * 60_000) },
  });
  await db.connectionEvent.updateMany({
    where: { connectionId: first, kind: { in: ["LINK", "RETRIEVE"] } },
    data: { startedAt: linkedAt, createdAt: linkedAt },
  });
  await db.connection.update({ where: { id: again }, data: { createdAt: relinkedAt } });
  await db.registerEntry.updateMany({
    where: { registerId: { in: [...registers.values()] } },
    data: { createdAt: new Date(linkedAt.getTime() + DAY) },
  });
  return { removed: first, relinked: again, typedByHand: payments.length };
}
