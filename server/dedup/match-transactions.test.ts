import { describe, expect, it } from "vitest";
import { formatDayNumber, dayNumber } from "./dates";
import { buildBooksScenario } from "./eval/books-scenarios";
import { Random } from "./eval/random";
import { matchTransactions } from "./match-transactions";
import type { ExistingTransaction, IncomingTransaction, MatchResult } from "./types";

let serial = 0;

function existing(
  date: string,
  amountCents: number,
  description: string,
  extra: Partial<ExistingTransaction> = {},
): ExistingTransaction {
  serial++;
  return {
    id: `e${serial}`,
    account: "chk",
    date,
    amountCents,
    description,
    providerIds: [`old-${serial}`],
    kind: "register",
    ...extra,
  };
}

function incoming(
  date: string,
  amountCents: number,
  description: string,
  extra: Partial<IncomingTransaction> = {},
): IncomingTransaction {
  serial++;
  return {
    id: `i${serial}`,
    account: "chk",
    date,
    amountCents,
    description,
    pending: false,
    providerId: `new-${serial}`,
    ...extra,
  };
}

function days(from: string, offset: number): string {
  return formatDayNumber(dayNumber(from)! + offset);
}

/** A register with some unrelated history around the rows under test, as real accounts have. */
function background(): ExistingTransaction[] {
  const rows: ExistingTransaction[] = [];
  for (let day = 0; day < 90; day += 3)
    rows.push(existing(days("2026-01-01", day), -1234 - day * 17, "STAPLES #00123"));
  return rows;
}

function only(results: MatchResult[], id: string): MatchResult {
  return results.find((result) => result.incomingId === id)!;
}

describe("matcher: kinds of change", () => {
  it("a re-link that only gave new ids is a confident duplicate of the same row", () => {
    const register = existing("2026-03-02", -4213, "AMAZON MKTPLACE PMTS");
    const feed = incoming("2026-03-02", -4213, "AMAZON MKTPLACE PMTS");
    const [result] = matchTransactions({ existing: [...background(), register], incoming: [feed] });
    expect(result).toMatchObject({
      incomingId: feed.id,
      matchId: register.id,
      matchKind: "register",
      tier: "duplicate",
    });
    expect(result!.score).toBeGreaterThan(0.95);
    expect(result!.reasons).toEqual(expect.arrayContaining(["same amount", "same date", "same description"]));
  });

  it("a posted date moved by a couple of days still matches, and says by how much", () => {
    const register = existing("2026-03-02", -8712, "SHELL OIL 57444");
    const feed = incoming("2026-03-04", -8712, "SHELL OIL 57444");
    const [result] = matchTransactions({ existing: [...background(), register], incoming: [feed] });
    expect(result).toMatchObject({ matchId: register.id });
    expect(result!.tier).not.toBe("new");
    expect(result!.reasons).toContain("dates 2 days apart");
  });

  it("a date moved 4 days or more is still offered, as a possible duplicate with a lower score", () => {
    const register = existing("2026-03-02", -8712, "SHELL OIL 57444");
    const fiveDays = incoming("2026-03-07", -8712, "SHELL OIL 57444");
    const [five] = matchTransactions({ existing: [...background(), register], incoming: [fiveDays] });
    expect(five).toMatchObject({ matchId: register.id, tier: "possible" });
    expect(five!.reasons).toContain("dates 5 days apart");
    const [two] = matchTransactions({
      existing: [...background(), register],
      incoming: [incoming("2026-03-04", -8712, "SHELL OIL 57444")],
    });
    expect(five!.score).toBeLessThan(two!.score);
  });

  it("a date moved beyond the window is new, and names the candidate it turned down", () => {
    const register = existing("2026-03-02", -8712, "SHELL OIL 57444");
    const [result] = matchTransactions({
      existing: [...background(), register],
      incoming: [incoming("2026-03-11", -8712, "SHELL OIL 57444")],
    });
    expect(result).toMatchObject({ matchId: null, tier: "new" });
    expect(result!.reasons[0]).toMatch(/closest candidate .* scored 0\.\d+, below/);
  });

  it("a rewritten description (case, store number, processor prefix, trailing location) matches", () => {
    const register = existing("2026-03-02", -2468, "SQ *BLUE BOTTLE COFFEE #0412");
    const feed = incoming("2026-03-02", -2468, "POS PURCHASE Sq*Blue Bottle Coffee Oakland CA");
    const [result] = matchTransactions({ existing: [...background(), register], incoming: [feed] });
    expect(result).toMatchObject({ matchId: register.id, tier: "duplicate" });
    expect(result!.reasons.some((reason) => /description \d+% similar|same description/.test(reason))).toBe(true);
  });

  it("a posted row linked to the pending id in the register matches by that link, even with a tip", () => {
    const register = existing("2026-03-05", -2340, "TST* PANERA BREAD", { providerIds: ["pend-1"], pending: true });
    const feed = incoming("2026-03-06", -2808, "TST* PANERA BREAD 601 SPRINGFIELD IL", { pendingProviderId: "pend-1" });
    const [result] = matchTransactions({ existing: [register], incoming: [feed] });
    expect(result).toMatchObject({ matchId: register.id, tier: "duplicate", score: 0.99 });
    expect(result!.reasons).toEqual(
      expect.arrayContaining([
        "posted version of a pending transaction",
        "amount changed from -23.40 to -28.08 when it posted",
      ]),
    );
  });

  it("a posted row of a re-link, without the pending link, matches the pending register row with the same amount", () => {
    const register = existing("2026-03-05", -1875, "CHIPOTLE #2231", { pending: true });
    const feed = incoming("2026-03-07", -1875, "CHIPOTLE #2231 DENVER CO");
    const [result] = matchTransactions({ existing: [...background(), register], incoming: [feed] });
    expect(result).toMatchObject({ matchId: register.id });
    expect(result!.reasons).toContain("posted version of a pending transaction");
  });

  it("a posted row whose amount grew by a tip matches the pending register row and names the change", () => {
    const register = existing("2026-03-05", -2340, "TST* PANERA BREAD", { pending: true });
    const feed = incoming("2026-03-06", -2808, "TST* PANERA BREAD 601 SPRINGFIELD IL");
    const [result] = matchTransactions({ existing: [...background(), register], incoming: [feed] });
    expect(result).toMatchObject({ matchId: register.id });
    expect(result!.tier).not.toBe("new");
    expect(result!.reasons[0]).toBe("amount changed from -23.40 to -28.08 when the pending transaction posted (tip)");
  });

  it("a posted row with a different amount never matches a posted register row", () => {
    const register = existing("2026-03-05", -2340, "TST* PANERA BREAD");
    const feed = incoming("2026-03-06", -2808, "TST* PANERA BREAD");
    const [result] = matchTransactions({ existing: [register], incoming: [feed] });
    expect(result).toMatchObject({ matchId: null, tier: "new" });
  });
});

describe("matcher: identical repeats", () => {
  const coffee = (id: string) => incoming("2026-03-02", -500, "SQ *BLUE BOTTLE COFFEE", { id });

  it("two coffees at the bank against one in the register: one duplicate, one new", () => {
    const register = existing("2026-03-02", -500, "SQ *BLUE BOTTLE COFFEE");
    const results = matchTransactions({
      existing: [...background(), register],
      incoming: [coffee("c2"), coffee("c1")],
    });
    expect(results.map((result) => result.incomingId)).toEqual(["c2", "c1"]);
    expect(only(results, "c1")).toMatchObject({ matchId: register.id, tier: "duplicate" });
    expect(only(results, "c2")).toMatchObject({ matchId: null, tier: "new" });
    expect(only(results, "c2").reasons[0]).toMatch(/is a better match for c1/);
  });

  it("two coffees against two: both duplicates, each of its own register entry", () => {
    const first = existing("2026-03-02", -500, "SQ *BLUE BOTTLE COFFEE");
    const second = existing("2026-03-02", -500, "SQ *BLUE BOTTLE COFFEE");
    const results = matchTransactions({
      existing: [...background(), first, second],
      incoming: [coffee("c1"), coffee("c2")],
    });
    expect(results.every((result) => result.tier === "duplicate")).toBe(true);
    expect(new Set(results.map((result) => result.matchId))).toEqual(new Set([first.id, second.id]));
  });

  it("k identical incoming rows never match more than the k′ identical register rows", () => {
    const register = [1, 2, 3].map(() => existing("2026-03-02", -500, "SQ *BLUE BOTTLE COFFEE"));
    const feed = ["a", "b", "c", "d", "e"].map((id) => coffee(id));
    const results = matchTransactions({ existing: register, incoming: feed });
    expect(results.filter((result) => result.tier !== "new")).toHaveLength(3);
    expect(new Set(results.filter((result) => result.matchId).map((result) => result.matchId)).size).toBe(3);
  });
});

describe("matcher: recurring equal amounts", () => {
  const rent = (date: string) => existing(date, -320000, "MAPLE PROPERTIES RENT");
  const history = () => ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-02", "2026-03-02"].map(rent);

  it("this month's rent two days late matches this month's entry, not last month's", () => {
    const register = history();
    const feed = incoming("2026-03-04", -320000, "MAPLE PROPERT RENT");
    const [result] = matchTransactions({ existing: register, incoming: [feed] });
    expect(result).toMatchObject({ matchId: register[4]!.id, tier: "duplicate" });
    expect(result!.reasons).toContain("amount recurs about every 30 days in this account");
  });

  it("next month's rent is new even though last month's looks the same", () => {
    const [result] = matchTransactions({
      existing: history(),
      incoming: [incoming("2026-04-01", -320000, "MAPLE PROPERTIES RENT")],
    });
    expect(result).toMatchObject({ matchId: null, tier: "new" });
  });

  it("a weekly transfer a week after the last one in the register is new", () => {
    const register = [0, 7, 14, 21, 28, 35].map((day) =>
      existing(days("2026-02-02", day), -50000, "ONLINE TRANSFER TO SAV XXXXXX4821"),
    );
    const feed = incoming(days("2026-02-02", 42), -50000, "ONLINE TRANSFER TO SAV XXXXXX4821");
    const [result] = matchTransactions({ existing: register, incoming: [feed] });
    expect(result).toMatchObject({ tier: "new" });
  });
});

describe("matcher: checks", () => {
  it("the same check number and amount is an exact key, whatever the dates and words", () => {
    const register = existing("2026-02-20", -58225, "Check 1043 - Joe's Plumbing", { providerIds: [] });
    const feed = incoming("2026-03-06", -58225, "CHK #1043");
    const [result] = matchTransactions({ existing: [register], incoming: [feed] });
    expect(result).toMatchObject({ matchId: register.id, tier: "duplicate", score: 0.99 });
    expect(result!.reasons).toContain("same check number 1043");
  });

  it("an explicit check number field counts like one in the description", () => {
    const register = existing("2026-02-20", -58225, "Joe's Plumbing", { providerIds: [], checkNumber: "001043" });
    const [result] = matchTransactions({
      existing: [register],
      incoming: [incoming("2026-03-01", -58225, "CHECK 1043")],
    });
    expect(result).toMatchObject({ matchId: register.id, tier: "duplicate" });
  });

  it("the same check number with another amount is only a possible duplicate, and says both amounts", () => {
    const register = existing("2026-02-20", -58225, "Check 1043 - Joe's Plumbing", { providerIds: [] });
    const [result] = matchTransactions({
      existing: [...background(), register],
      incoming: [incoming("2026-03-02", -58252, "CHECK 1043")],
    });
    expect(result).toMatchObject({ matchId: register.id, tier: "possible" });
    expect(result!.reasons).toEqual(
      expect.arrayContaining([
        "same check number 1043",
        "amounts differ: -582.25 in the register, -582.52 at the bank",
      ]),
    );
  });

  it("different check numbers for the same amount are different checks", () => {
    const register = existing("2026-03-01", -10000, "CHECK 1043");
    const [result] = matchTransactions({
      existing: [register],
      incoming: [incoming("2026-03-01", -10000, "CHECK 1044")],
    });
    expect(result).toMatchObject({ matchId: null, tier: "new" });
  });

  it("a check against a hand-entered payee entry of a rare amount is flagged when it clears days later", () => {
    const register = existing("2026-02-26", -137721, "R. Patel (reimbursement)", { providerIds: [] });
    const [result] = matchTransactions({
      existing: [...background(), register],
      incoming: [incoming("2026-03-06", -137721, "CHECK #1285")],
    });
    expect(result).toMatchObject({ matchId: register.id });
    expect(result!.tier).not.toBe("new");
    expect(result!.reasons[0]).toBe("check 1285 cleared 8 days after a hand-entered register entry");
  });
});

describe("matcher: hidden tombstones", () => {
  it("a transaction the customer hid before is matched as hidden, so the feed can keep it hidden", () => {
    const tombstone = existing("2026-03-02", -50000, "ONLINE TRANSFER TO SAV XXXXXX4821", { kind: "hidden" });
    const [result] = matchTransactions({
      existing: [...background(), tombstone],
      incoming: [incoming("2026-03-02", -50000, "ONLINE TRANSFER TO SAV XXXXXX4821")],
    });
    expect(result).toMatchObject({ matchId: tombstone.id, matchKind: "hidden", tier: "duplicate" });
    expect(result!.reasons).toContain("matches a transaction hidden earlier");
  });

  it("a provider id seen on a tombstone is an exact key too", () => {
    const tombstone = existing("2026-03-02", -1999, "ADOBE *ACROPRO SUBS", {
      kind: "hidden",
      providerIds: ["bank-77"],
    });
    const [result] = matchTransactions({
      existing: [tombstone],
      incoming: [incoming("2026-03-03", -1999, "ADOBE", { providerId: "bank-77" })],
    });
    expect(result).toMatchObject({ matchId: tombstone.id, matchKind: "hidden", score: 1 });
    expect(result!.reasons[0]).toBe("same bank transaction id");
  });
});

describe("matcher: truncated history window", () => {
  it("older register rows outside the new link's window do not swallow new look-alikes", () => {
    // The register ends three weeks ago; the new link returns the last 14 days, all of them new.
    const register = [0, 2, 4, 6, 8, 10, 12, 14].map((day) =>
      existing(days("2026-02-01", day), -500, "SQ *BLUE BOTTLE COFFEE"),
    );
    const feed = [24, 26, 28].map((day) => incoming(days("2026-02-01", day), -500, "SQ *BLUE BOTTLE COFFEE"));
    const results = matchTransactions({ existing: register, incoming: feed });
    expect(results.map((result) => result.tier)).toEqual(["new", "new", "new"]);
  });
});

describe("matcher: look-alike new rows", () => {
  /**
   * What one connection's earlier retrievals put in the register: three weeks of rows, each under the
   * connection's own ids (card purchases under their pending id and their posted id).
   */
  function connectionRegister(): ExistingTransaction[] {
    const merchants = ["STAPLES #00123", "SHELL OIL 57444", "AMAZON MKTPLACE PMTS", "COSTCO WHSE #0123"];
    return Array.from({ length: 42 }, (_, at) =>
      existing(days("2026-03-01", Math.floor(at / 2)), -1111 - at * 37, merchants[at % merchants.length]!, {
        providerIds: [`hold-${at}`, `post-${at}`],
        fromBank: true,
      }),
    );
  }
  /** The same connection refreshed: every row again under its own ids. */
  const refreshOf = (register: ExistingTransaction[]) =>
    register.map((row) =>
      incoming(row.date, row.amountCents, row.description, {
        providerId: row.providerIds[1]!,
        pendingProviderId: row.providerIds[0]!,
      }),
    );

  it("a refresh of the same connection: a new coffee under a new id does not take a register row whose own id did not come back", () => {
    const register = connectionRegister();
    const earlierCoffee = existing("2026-03-04", -500, "SQ *BLUE BOTTLE COFFEE", {
      providerIds: ["post-coffee"],
      fromBank: true,
    });
    const newCoffee = incoming("2026-03-06", -500, "SQ *BLUE BOTTLE COFFEE", { providerId: "post-new" });
    const results = matchTransactions({
      existing: [...register, earlierCoffee],
      incoming: [...refreshOf(register), newCoffee],
    });
    expect(only(results, newCoffee.id)).toMatchObject({ matchId: null, tier: "new" });
    expect(only(results, newCoffee.id).reasons).toContain(
      "the register entry's bank id did not come back, though this connection sent the ids of the others again",
    );
    // Under a re-link every id is new, and the same coffee two days apart is a likely duplicate.
    const relink = register.map((row) => incoming(row.date, row.amountCents, row.description));
    const [relinked] = matchTransactions({ existing: [...register, earlierCoffee], incoming: [newCoffee, ...relink] });
    expect(relinked).toMatchObject({ matchId: earlierCoffee.id });
    expect(relinked!.tier).not.toBe("new");
  });

  it("a pending hold the same connection no longer shows does not take a new purchase of the same price", () => {
    const register = connectionRegister();
    const cancelled = existing("2026-03-20", -4500, "SHELL OIL 57444", {
      providerIds: ["hold-cancelled"],
      pending: true,
      fromBank: true,
    });
    const newFill = incoming("2026-03-23", -4500, "SHELL OIL 57444 SPRINGFIELD IL", { providerId: "post-new" });
    const results = matchTransactions({
      existing: [...register, cancelled],
      incoming: [...refreshOf(register), newFill],
    });
    expect(only(results, newFill.id)).toMatchObject({ matchId: null, tier: "new" });
    // A re-link names no pending id the register knows: there the posted row may well be the hold.
    const relink = register.map((row) => incoming(row.date, row.amountCents, row.description));
    const [relinked] = matchTransactions({ existing: [...register, cancelled], incoming: [newFill, ...relink] });
    expect(relinked).toMatchObject({ matchId: cancelled.id });
    expect(relinked!.reasons[0]).toBe("posted version of a pending transaction");
  });

  it("reads only the provider ids the batch names, so a caller may leave the others out", () => {
    const register = [
      ...connectionRegister(),
      existing("2026-03-04", -500, "SQ *BLUE BOTTLE COFFEE", {
        providerIds: ["post-coffee", "older-link-7"],
        fromBank: true,
      }),
    ];
    const feed = [
      ...refreshOf(register.slice(0, 30)),
      incoming("2026-03-06", -500, "SQ *BLUE BOTTLE COFFEE", { providerId: "post-new" }),
    ];
    const named = new Set(feed.flatMap((row) => [row.providerId, row.pendingProviderId]));
    const stripped = register.map((row) => ({ ...row, providerIds: row.providerIds.filter((id) => named.has(id)) }));
    expect(matchTransactions({ existing: stripped, incoming: feed })).toEqual(
      matchTransactions({ existing: register, incoming: feed }),
    );
  });

  it("a row pending in the register and pending again keeps its day: four days apart it is another purchase", () => {
    const hold = existing("2026-03-05", -450, "SQ *BLUE BOTTLE COFFEE", { pending: true });
    const sameDay = incoming("2026-03-05", -450, "Sq *Blue Bottle Coffee", { pending: true });
    const later = incoming("2026-03-09", -450, "SQ *BLUE BOTTLE COFFEE", { pending: true });
    const [again] = matchTransactions({ existing: [...background(), hold], incoming: [sameDay] });
    expect(again).toMatchObject({ matchId: hold.id, tier: "duplicate" });
    expect(again!.reasons).toContain("still pending");
    const [another] = matchTransactions({ existing: [...background(), hold], incoming: [later] });
    expect(another).toMatchObject({ matchId: null, tier: "new" });
  });

  it("a posted amount that is one of the merchant's menu prices is another visit, not a tip", () => {
    // Blue Bottle charges $5.00 and $4.50 over and over; a $4.50 hold does not become $5.00 by a tip.
    const menu = Array.from({ length: 16 }, (_, at) =>
      existing(days("2026-01-05", at * 3), at % 2 ? -450 : -500, "SQ *BLUE BOTTLE COFFEE"),
    );
    const hold = existing("2026-03-05", -450, "SQ *BLUE BOTTLE COFFEE", { pending: true });
    const [menuPrice] = matchTransactions({
      existing: [...menu, hold],
      incoming: [incoming("2026-03-06", -500, "SQ *BLUE BOTTLE COFFEE")],
    });
    expect(menuPrice).toMatchObject({ matchId: null, tier: "new" });
    const [tipped] = matchTransactions({
      existing: [...menu, hold],
      incoming: [incoming("2026-03-06", -531, "SQ *BLUE BOTTLE COFFEE")],
    });
    expect(tipped).toMatchObject({ matchId: hold.id });
    expect(tipped!.tier).not.toBe("new");
  });

  it("a description naming the purchase day rules out a register row dated before it", () => {
    const earlier = existing("2026-03-08", -500, "SQ *BLUE BOTTLE COFFEE");
    const feed = incoming("2026-03-12", -500, "PURCHASE AUTHORIZED ON 03/11 SQ *BLUE BOTTLE COFFEE");
    const [before] = matchTransactions({ existing: [...background(), earlier], incoming: [feed] });
    expect(before).toMatchObject({ matchId: null, tier: "new" });
    expect(before!.reasons).toContain("the purchase date in one description does not fit the other row's date");
    const onTheDay = existing("2026-03-11", -500, "SQ *BLUE BOTTLE COFFEE");
    const [matched] = matchTransactions({ existing: [...background(), onTheDay], incoming: [feed] });
    expect(matched).toMatchObject({ matchId: onTheDay.id, tier: "duplicate" });
  });
});

describe("matcher: one price, many merchants", () => {
  // Forty rows of $50.00 around the day: in one register all of them the same office supplier's, in the other
  // forty different merchants'. The same supplier's name on both sides tells more in the second.
  const spread = (merchantOf: (at: number) => string) =>
    Array.from({ length: 40 }, (_, at) =>
      existing(days("2026-03-01", (at % 9) - 9 + (at % 2 ? 14 : 0)), -5000, merchantOf(at)),
    );
  const truth = () => existing("2026-03-04", -5000, "STAPLES #00123");
  const feed = () => incoming("2026-03-05", -5000, "POS PURCHASE STAPLES 00123 SPRINGFIELD IL");

  it("a shared price makes the same merchant on both sides count for more", () => {
    const oneMerchant = truth();
    const [alone] = matchTransactions({
      existing: [...spread(() => "STAPLES #00123"), oneMerchant],
      incoming: [feed()],
    });
    const sharedTruth = truth();
    const [shared] = matchTransactions({
      existing: [...spread((at) => `VENDOR${String.fromCharCode(65 + (at % 26))}${at} SUPPLY`), sharedTruth],
      incoming: [feed()],
    });
    expect(alone).toMatchObject({ matchId: null, tier: "new" });
    expect(shared).toMatchObject({ matchId: sharedTruth.id });
    expect(shared!.tier).not.toBe("new");
    expect(shared!.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^few transactions of this amount nearby are this merchant's \(\d%\)$/),
      ]),
    );
  });
});

describe("matcher: whole batch", () => {
  it("returns one result per incoming row, in input order, and never uses an existing row twice", () => {
    const register = [existing("2026-03-01", -500, "COFFEE"), existing("2026-03-01", -1200, "LUNCH")];
    const feed = [
      incoming("2026-03-01", -500, "COFFEE"),
      incoming("2026-03-01", -500, "COFFEE"),
      incoming("2026-03-01", -999, "NEW"),
      incoming("2026-03-02", -1200, "LUNCH"),
    ];
    const results = matchTransactions({ existing: register, incoming: feed });
    expect(results.map((result) => result.incomingId)).toEqual(feed.map((row) => row.id));
    const matched = results.filter((result) => result.matchId).map((result) => result.matchId);
    expect(new Set(matched).size).toBe(matched.length);
    for (const result of results) expect(result.reasons.length).toBeGreaterThan(0);
  });

  it("never matches across accounts", () => {
    const register = existing("2026-03-01", -4213, "AMAZON", { account: "savings" });
    const [result] = matchTransactions({ existing: [register], incoming: [incoming("2026-03-01", -4213, "AMAZON")] });
    expect(result!.tier).toBe("new");
  });

  it("does not depend on the order of either list", () => {
    const random = new Random(7);
    const register: ExistingTransaction[] = [];
    const feed: IncomingTransaction[] = [];
    for (let day = 0; day < 40; day++) {
      const date = days("2026-02-01", day);
      const shifted = days("2026-02-01", day + (day % 3));
      register.push(existing(date, -500, "SQ *BLUE BOTTLE COFFEE"), existing(date, -500, "SQ *BLUE BOTTLE COFFEE"));
      register.push(existing(date, 10000, "DEPOSIT"));
      feed.push(
        incoming(shifted, -500, "Sq *Blue Bottle Coffee"),
        incoming(date, -500, "SQ *BLUE BOTTLE COFFEE"),
        incoming(shifted, 10000, "MOBILE DEPOSIT"),
      );
    }
    const byId = (results: MatchResult[]) => [...results].sort((a, b) => (a.incomingId < b.incomingId ? -1 : 1));
    const expected = byId(matchTransactions({ existing: register, incoming: feed }));
    for (let run = 0; run < 5; run++) {
      expect(byId(matchTransactions({ existing: random.shuffled(register), incoming: random.shuffled(feed) }))).toEqual(
        expected,
      );
    }
  });

  it("rejects a row whose date is not a calendar date", () => {
    expect(() => matchTransactions({ existing: [], incoming: [incoming("2026-02-30", -1, "X")] })).toThrow(
      /is not a calendar date/,
    );
  });
});

describe("matcher: entries typed by hand", () => {
  // What a bookkeeper types: no bank id, a few words or none. The bank brings the same money in later.
  const byHand = (date: string, amountCents: number, description: string) =>
    existing(date, amountCents, description, { providerIds: [] });
  /** A busy account where $45.00 comes often and on no schedule, so the amount alone proves little. */
  const commonAmount = () =>
    [0, 1, 5, 6, 14, 15, 16, 25, 33, 34, 38].map((day) => existing(days("2026-01-20", day), -4500, "SHELL OIL 57444"));

  it("an entry with no description, same amount and same day, is flagged, not called new", () => {
    const entry = byHand("2026-03-02", -4500, "");
    const [result] = matchTransactions({
      existing: [...background(), ...commonAmount(), entry],
      incoming: [incoming("2026-03-02", -4500, "OFFICE DEPOT #412")],
    });
    expect(result).toMatchObject({ matchId: entry.id });
    expect(result!.tier).not.toBe("new");
  });

  it("a one-word entry found in the bank's text counts as the same description, not a contradicting one", () => {
    const entry = byHand("2026-03-02", -4500, "Rent");
    const [result] = matchTransactions({
      existing: [...background(), ...commonAmount(), entry],
      incoming: [incoming("2026-03-02", -4500, "MAPLE PROPERTIES RENT")],
    });
    expect(result).toMatchObject({ matchId: entry.id });
    expect(result!.tier).not.toBe("new");
  });

  it("of two identical entries, the one no bank transaction is linked to wins, whatever the ids", () => {
    for (const [linkedId, handId] of [
      ["a-linked", "b-hand"],
      ["b-linked", "a-hand"],
    ] as const) {
      const linked = existing("2026-03-02", -4213, "AMAZON MKTPLACE PMTS", {
        id: linkedId,
        providerIds: ["other-link-1"],
        fromBank: true,
      });
      const hand = existing("2026-03-02", -4213, "AMAZON MKTPLACE PMTS", { id: handId, providerIds: [] });
      const [result] = matchTransactions({
        existing: [...background(), linked, hand],
        incoming: [incoming("2026-03-02", -4213, "AMAZON MKTPLACE PMTS")],
      });
      expect(result).toMatchObject({ matchId: hand.id, tier: "duplicate" });
    }
  });

  it("a unique amount one or two days away with another description is offered as a possible duplicate", () => {
    for (const offset of [1, 2, -2]) {
      for (const entry of [
        byHand("2026-03-02", -13_877, "Office supplies"),
        existing("2026-03-02", -13_877, "PAYPAL *ACMESUPPLY", { fromBank: true }),
      ]) {
        const [result] = matchTransactions({
          existing: [...background(), entry],
          incoming: [incoming(days("2026-03-02", offset), -13_877, "AMZN MKTP US*2K3LM8Q92")],
        });
        expect(result, `${entry.description}, ${offset} days`).toMatchObject({ matchId: entry.id, tier: "possible" });
        expect(result!.reasons).toContain("the only transaction of this amount within 10 days");
      }
    }
    // Not when the amount comes again nearby: then the words have to agree.
    const twice = [
      existing("2026-03-02", -13_877, "PAYPAL *ACMESUPPLY"),
      existing("2026-03-08", -13_877, "PAYPAL *ACMESUPPLY"),
    ];
    const [result] = matchTransactions({
      existing: [...background(), ...twice],
      incoming: [incoming("2026-03-04", -13_877, "AMZN MKTP US*2K3LM8Q92")],
    });
    expect(result).toMatchObject({ tier: "new" });
  });
});

describe("matcher: one source or another", () => {
  const fromAccount = (
    date: string,
    amountCents: number,
    description: string,
    extra: Partial<ExistingTransaction> = {},
  ) => existing(date, amountCents, description, { fromBank: true, sources: ["acct-1"], ...extra });

  it("within one source a new provider id is a new transaction, however alike", () => {
    const coffee = fromAccount("2026-03-02", -500, "SQ *BLUE BOTTLE COFFEE");
    const again = incoming("2026-03-02", -500, "SQ *BLUE BOTTLE COFFEE", { source: "acct-1" });
    const [sameSource] = matchTransactions({ existing: [...background(), coffee], incoming: [again] });
    expect(sameSource).toMatchObject({ matchId: null, tier: "new" });
    expect(sameSource!.reasons).toEqual([
      "the transactions of -5.00 nearby came from the same source under other bank ids",
    ]);
    // From another source (a re-link, a statement) the same row is a duplicate.
    for (const source of ["acct-2", null, undefined]) {
      const [other] = matchTransactions({ existing: [...background(), coffee], incoming: [{ ...again, source }] });
      expect(other, String(source)).toMatchObject({ matchId: coffee.id, tier: "duplicate" });
    }
  });

  it("a pending row of the same source still meets its posted version under a new id", () => {
    const hold = fromAccount("2026-03-05", -2340, "TST* PANERA BREAD", { pending: true });
    const [sameAmount] = matchTransactions({
      existing: [...background(), hold],
      incoming: [incoming("2026-03-06", -2340, "TST* PANERA BREAD", { source: "acct-1" })],
    });
    expect(sameAmount).toMatchObject({ matchId: hold.id });
    const [tipped] = matchTransactions({
      existing: [...background(), hold],
      incoming: [incoming("2026-03-06", -2808, "TST* PANERA BREAD", { source: "acct-1" })],
    });
    expect(tipped).toMatchObject({ matchId: hold.id });
    // Pending again under another id of the same source: another hold.
    const [pendingAgain] = matchTransactions({
      existing: [...background(), hold],
      incoming: [incoming("2026-03-05", -2340, "TST* PANERA BREAD", { source: "acct-1", pending: true })],
    });
    expect(pendingAgain).toMatchObject({ matchId: null, tier: "new" });
  });

  it("an entry typed by hand belongs to no source: a bank row of any source may match it", () => {
    const rent = existing("2026-03-01", -320_000, "Rent", { providerIds: [] });
    const [result] = matchTransactions({
      existing: [...background(), rent],
      incoming: [incoming("2026-03-02", -320_000, "MAPLE PROPERTIES RENT", { source: "acct-1" })],
    });
    expect(result).toMatchObject({ matchId: rent.id });
    expect(result!.tier).not.toBe("new");
  });
});

describe("matcher: ties", () => {
  // Rows alike in everything but their ids are interchangeable: whatever the ids are called and whatever order
  // the rows come in, the same kinds of rows pair with the same kinds of rows.
  const content = (row: Pick<ExistingTransaction, "date" | "amountCents" | "description">, extra: unknown[]) =>
    JSON.stringify([row.date, row.amountCents, row.description, ...extra]);

  function pairsByContent(
    existingRows: readonly ExistingTransaction[],
    incomingRows: readonly IncomingTransaction[],
  ): string[] {
    const byId = new Map(existingRows.map((row) => [row.id, row]));
    const incomingById = new Map(incomingRows.map((row) => [row.id, row]));
    return matchTransactions({ existing: existingRows, incoming: incomingRows })
      .map((result) => {
        const row = incomingById.get(result.incomingId)!;
        const match = result.matchId ? byId.get(result.matchId)! : null;
        const from = content(row, [row.pending, row.source ?? null]);
        const to = match
          ? content(match, [
              match.kind,
              match.pending ?? false,
              match.fromBank ?? false,
              match.providerIds.length,
              match.typedByHand ?? null,
            ])
          : "none";
        return `${from} → ${to} ${result.tier} ${result.score.toFixed(9)}`;
      })
      .sort();
  }

  it.each([0, 1, 2, 3, 5, 9])(
    "books scenario %i: shuffled and with every id renamed, the same rows pair the same way",
    (index) => {
      const scenario = buildBooksScenario(31, index);
      const random = new Random(index + 101);
      const renamed = new Map<string, string>();
      const rename = (id: string) => {
        if (!renamed.has(id)) renamed.set(id, `z${random.token(12)}`);
        return renamed.get(id)!;
      };
      const existingRows = scenario.existing.map((row) => ({
        ...row,
        id: rename(row.id),
        providerIds: row.providerIds.map(rename),
      }));
      const incomingRows = scenario.incoming.map((row) => ({
        ...row,
        id: rename(row.id),
        providerId: row.providerId && rename(row.providerId),
        pendingProviderId: row.pendingProviderId && rename(row.pendingProviderId),
      }));
      const before = pairsByContent(scenario.existing, scenario.incoming);
      expect(before.filter((pair) => !pair.includes("→ none")).length).toBeGreaterThan(5);
      expect(pairsByContent(random.shuffled(existingRows), random.shuffled(incomingRows))).toEqual(before);
    },
  );
});
