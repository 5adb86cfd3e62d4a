import { resolveCheckNumber } from "../check-number";
import { dayNumber } from "../dates";
import type { MatchInput, MatchTier } from "../types";

/** What any matcher under evaluation answers for one incoming row. */
export interface Decision {
  incomingId: string;
  /** An existing row id; a peer that rejects a row as a copy of another incoming row names that row instead. */
  matchId: string | null;
  tier: MatchTier;
}

export type Matcher = (input: MatchInput) => Decision[];

const day = (date: string) => dayNumber(date)!;

/**
 * Actual Budget's bank-sync reconciliation (packages/loot-core/src/server/accounts/sync.ts, matchTransactions), as
 * its current matcher does it: an imported_id equal to an existing transaction's wins; otherwise the candidates
 * are the same account's transactions with exactly the same amount dated within 7 days either side. Fuzzy
 * matching then takes, across the whole batch, the pairs with the closest dates first — transactions no bank id
 * is linked to before linked ones where dates tie, then arrival order — first among pairs with the same payee,
 * then among all. Bank-sync accounts run without strict id checking, so candidates may carry another import id.
 * Deleted transactions (our hidden tombstones) are not candidates. Payees resolve by case-insensitive name,
 * which we model as the lower-cased description.
 */
export const actualBudget: Matcher = ({ existing, incoming }) => {
  const live = existing.filter((row) => row.kind === "register");
  const byImportedId = new Map<string, string>();
  for (const row of live)
    for (const id of row.providerIds)
      if (!byImportedId.has(`${row.account}|${id}`)) byImportedId.set(`${row.account}|${id}`, row.id);
  const hasMatched = new Set<string>();
  const payeeOf = (description: string) => description.trim().toLowerCase();
  const match: (string | null)[] = incoming.map(() => null);

  incoming.forEach((row, at) => {
    const exact = row.providerId ? byImportedId.get(`${row.account}|${row.providerId}`) : undefined;
    if (exact) {
      hasMatched.add(exact);
      match[at] = exact;
    }
  });
  const byAccountAmount = new Map<string, { row: (typeof live)[number]; order: number }[]>();
  live.forEach((row, order) => {
    const key = `${row.account}|${row.amountCents}`;
    byAccountAmount.set(key, [...(byAccountAmount.get(key) ?? []), { row, order }]);
  });
  const pairs: { at: number; id: string; distance: number; linked: boolean; order: number; samePayee: boolean }[] = [];
  incoming.forEach((row, at) => {
    if (match[at]) return;
    const when = day(row.date);
    for (const { row: candidate, order } of byAccountAmount.get(`${row.account}|${row.amountCents}`) ?? []) {
      const distance = Math.abs(day(candidate.date) - when);
      if (distance > 7) continue;
      pairs.push({
        at,
        id: candidate.id,
        distance,
        linked: candidate.providerIds.length > 0,
        order,
        samePayee: payeeOf(candidate.description) === payeeOf(row.description),
      });
    }
  });
  pairs.sort(
    (a, b) => a.distance - b.distance || Number(a.linked) - Number(b.linked) || a.at - b.at || a.order - b.order,
  );
  for (const samePayeeOnly of [true, false]) {
    for (const pair of pairs) {
      if ((samePayeeOnly && !pair.samePayee) || match[pair.at] || hasMatched.has(pair.id)) continue;
      hasMatched.add(pair.id);
      match[pair.at] = pair.id;
    }
  }
  return incoming.map((row, at) => ({
    incomingId: row.id,
    matchId: match[at]!,
    tier: match[at] ? "duplicate" : "new",
  }));
};

/**
 * Firefly III's duplicate detection (app/Factory/TransactionJournalFactory.php, hashArray + errorIfDuplicate):
 * a SHA-256 of the whole submitted transaction, compared with the hashes of every stored journal of the user,
 * deleted ones included. Only an exact copy is caught. The record we hash is account, date, amount and
 * description; the bank's id is left out (sending it as external_id would make every re-linked row new).
 * Rows go in one at a time, so a second identical row of the same batch is refused as a copy of the first.
 */
export const fireflyIii: Matcher = ({ existing, incoming }) => {
  const hashOf = (row: { account: string; date: string; amountCents: number; description: string }) =>
    JSON.stringify([row.account, row.date, row.amountCents, row.description]);
  const stored = new Map<string, string>();
  for (const row of existing) if (!stored.has(hashOf(row))) stored.set(hashOf(row), row.id);
  return incoming.map((row) => {
    const hash = hashOf(row);
    const match = stored.get(hash);
    if (match) return { incomingId: row.id, matchId: match, tier: "duplicate" as const };
    stored.set(hash, `incoming:${row.id}`);
    return { incomingId: row.id, matchId: null, tier: "new" as const };
  });
};

/**
 * GnuCash's generic import matcher (gnucash/import-export/import-backend.cpp split_find_match and
 * gnc_import_TransInfo_init_matches; import-main-matcher.cpp for candidates; defaults from
 * org.gnucash.GnuCash.dialogs.import.generic.gschema): a row whose online id is already in the account is
 * skipped. Otherwise each register split of the account dated within 42 days (the OFX importer's hard limit)
 * of the batch is scored: amount equal +3, within the ATM-fee allowance of 2.00 +2, else −5; same day +3,
 * within 4 days +2, beyond 14 days −5; check numbers equal +4, both present and different −2; description
 * equal ignoring case +2, or sharing the first half of the imported text +1. Matches under 1 are not shown.
 * The best match at 6 or more is cleared (our `duplicate`), at 3 or less the row is added (`new`), in
 * between it is skipped (`possible`). Each row picks its best match on its own: nothing stops two rows from
 * picking the same split. As shipped, splits that already carry an online id are not candidates, and
 * deleted transactions are gone; `allCandidates` scores those splits too.
 */
export function gnuCash({ allCandidates }: { allCandidates: boolean }): Matcher {
  return ({ existing, incoming }) => {
    const register = existing.filter((row) => row.kind === "register");
    const onlineIds = new Set(register.flatMap((row) => row.providerIds.map((id) => `${row.account}|${id}`)));
    const days = incoming.map((row) => day(row.date));
    const from = Math.min(...days) - 42;
    const to = Math.max(...days) + 42;
    const candidates = register.filter(
      (row) => (allCandidates || row.providerIds.length === 0) && day(row.date) >= from && day(row.date) <= to,
    );
    const byAccount = new Map<string, typeof candidates>();
    for (const row of candidates) {
      const list = byAccount.get(row.account);
      if (list) list.push(row);
      else byAccount.set(row.account, [row]);
    }

    return incoming.map((row) => {
      if (row.providerId && onlineIds.has(`${row.account}|${row.providerId}`)) {
        const match = register.find(
          (candidate) => candidate.account === row.account && candidate.providerIds.includes(row.providerId!),
        );
        return { incomingId: row.id, matchId: match?.id ?? null, tier: "duplicate" as const };
      }
      // Matches are prepended as found, then stable-sorted by probability.
      const scored = (byAccount.get(row.account) ?? [])
        .map((candidate) => ({ candidate, probability: gnuCashProbability(row, candidate) }))
        .filter(({ probability }) => probability >= 1)
        .reverse()
        .sort((a, b) => b.probability - a.probability);
      const best = scored[0];
      if (!best || best.probability <= 3) return { incomingId: row.id, matchId: null, tier: "new" as const };
      return {
        incomingId: row.id,
        matchId: best.candidate.id,
        tier: best.probability >= 6 ? ("duplicate" as const) : ("possible" as const),
      };
    });
  };
}

type Row = { date: string; amountCents: number; description: string; checkNumber?: string | null };

function gnuCashProbability(imported: Row, split: Row): number {
  let probability = 0;
  const difference = Math.abs(imported.amountCents - split.amountCents);
  if (difference === 0) probability += 3;
  else if (difference <= 200) probability += 2;
  else probability -= 5;

  const days = Math.abs(day(imported.date) - day(split.date));
  if (days === 0) probability += 3;
  else if (days <= 4) probability += 2;
  else if (days > 14) probability -= 5;

  const importedNumber = resolveCheckNumber(imported.checkNumber, imported.description);
  const splitNumber = resolveCheckNumber(split.checkNumber, split.description);
  if (importedNumber) {
    if (importedNumber === splitNumber) probability += 4;
    else if (splitNumber) probability -= 2;
  }

  const description = imported.description;
  if (description) {
    const other = split.description;
    if (description.toLowerCase() === other.toLowerCase()) probability += 2;
    else {
      const half = Math.floor(description.length / 2);
      if (description.slice(0, half).toLowerCase() === other.slice(0, half).toLowerCase()) probability += 1;
    }
  }
  return probability;
}
