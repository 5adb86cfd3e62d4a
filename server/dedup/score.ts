import { formatCents } from "./amount";
import type { Candidate } from "./candidates";
import { MODEL, checkClearingProbability } from "./model";

/** P(incoming day − existing day = offset | same transaction), for same-amount pairs of one account. */
export type OffsetModel = (offset: number) => number;

const LIMIT = MODEL.maxDateDistanceDays;

function priorOffsetProbability(offset: number): number {
  const distance = Math.abs(offset);
  const shift = MODEL.shiftProbability[Math.min(distance, MODEL.shiftProbability.length - 1)]!;
  return distance === 0 ? shift : shift / 2;
}

export const priorOffsets: OffsetModel = priorOffsetProbability;

/**
 * An entry typed by hand carries the day it happened (the check written, the card used, the bill due); the bank
 * shows that day or a later one: P(bank day − typed day = d).
 */
function typedOffsetProbability(offset: number): number {
  const table = offset >= 0 ? MODEL.typedShiftProbability.later : MODEL.typedShiftProbability.earlier;
  return table[Math.min(Math.abs(offset), table.length - 1)]!;
}

export const typedOffsets: OffsetModel = typedOffsetProbability;

/** How a batch dates rows: against the bank's own rows, and against entries typed by hand. */
export interface BatchOffsets {
  bank: OffsetModel;
  typed: OffsetModel;
}

export const priorBatchOffsets: BatchOffsets = { bank: priorOffsets, typed: typedOffsets };

/** The prior, updated with the offsets of pairs nothing else competes for. */
export function learnOffsets(
  observed: readonly number[],
  prior: OffsetModel = priorOffsets,
  floor: number = MODEL.offsetFloor,
): OffsetModel {
  if (observed.length === 0) return prior;
  const counts = new Float64Array(2 * LIMIT + 1);
  for (const offset of observed) if (Math.abs(offset) <= LIMIT) counts[offset + LIMIT]! += 1;
  const weight = MODEL.offsetPriorWeight;
  const total = observed.length + weight;
  // The batch may raise an offset above the prior, but lowers none by more than the floor: anchors are
  // mostly rows that never move (transfers, deposits), and must not silence the card purchases that do.
  return (offset) => {
    const seen = Math.abs(offset) <= LIMIT ? counts[offset + LIMIT]! : 0;
    const before = prior(offset);
    return Math.max(floor * before, (seen + weight * before) / total);
  };
}

function stillPendingProbability(offset: number): number {
  const distance = Math.abs(offset);
  const probability =
    MODEL.stillPendingShiftProbability[Math.min(distance, MODEL.stillPendingShiftProbability.length - 1)]!;
  return distance === 0 ? probability : probability / 2;
}

/** Log-odds that the pair is the same transaction; −Infinity when the model rules it out. */
export function logOddsOf(candidate: Candidate, offsets: BatchOffsets): number {
  const numbers =
    (candidate.numbersDisagree ? MODEL.numbersDisagreeLogOdds : 0) +
    (candidate.authorizedElsewhen ? MODEL.authorizedElsewhenLogOdds : 0);
  const description = descriptionLogOdds(candidate) + numbers + merchantShareLogOdds(candidate);
  const rarity = -Math.log(candidate.coincidence);
  const logOdds = modelLogOdds(candidate, offsets, description, rarity) + candidate.continuity;
  return isOnlyOneNearby(candidate) ? Math.max(logOdds, MODEL.onlyOneNearby.floorLogOdds) : logOdds;
}

/**
 * A bookkeeper's words, a processor's name or a re-link's rewrite can all hide the merchant; an amount nothing
 * else in the account has within days, a day or two apart, is still worth a person's look.
 */
function isOnlyOneNearby(candidate: Candidate): boolean {
  return (
    candidate.onlyOneNearby &&
    Math.abs(candidate.offset) <= MODEL.onlyOneNearby.maxDays &&
    !candidate.numbersDisagree &&
    !candidate.authorizedElsewhen &&
    candidate.continuity > MODEL.continuityReasonBelow
  );
}

function modelLogOdds(candidate: Candidate, offsets: BatchOffsets, description: number, rarity: number): number {
  switch (candidate.model) {
    case "same-amount":
      return (
        MODEL.priorLogOdds +
        Math.log(candidate.byHand ? offsets.typed(candidate.typedOffset) : offsets.bank(candidate.offset)) +
        rarity +
        description
      );
    case "rounded":
      return (
        MODEL.priorLogOdds +
        MODEL.rounded.amountLogOdds +
        Math.log(offsets.typed(candidate.typedOffset)) +
        rarity +
        description
      );
    case "still-pending":
      return MODEL.priorLogOdds + Math.log(stillPendingProbability(candidate.offset)) + rarity + description;
    case "posting": {
      const lag = MODEL.postingLagProbability.get(candidate.offset);
      return lag ? MODEL.priorLogOdds + Math.log(lag) + rarity + description : -Infinity;
    }
    case "tip": {
      const lag = MODEL.postingLagProbability.get(candidate.offset);
      if (!lag || candidate.similarity === null || candidate.similarity < MODEL.tip.minDescriptionSimilarity)
        return -Infinity;
      // Another visit lands in the tip band (bandShare of visits, spread over it) or exactly on this amount
      // (a menu price), compared per cent of the band.
      const bandCents = Math.abs(candidate.existing.row.amountCents) * MODEL.tip.maxIncreaseRatio;
      const otherVisit = candidate.merchantRate * MODEL.tip.bandShare + candidate.merchantAmountRate * bandCents;
      return MODEL.priorLogOdds + MODEL.tip.amountLogOdds + Math.log(lag) - Math.log(otherVisit) + description;
    }
    case "check-clearing": {
      const clearing = checkClearingProbability(candidate.offset);
      return clearing
        ? MODEL.priorLogOdds +
            Math.log(clearing) +
            rarity +
            Math.max(MODEL.checkClearingMinDescriptionLogOdds, description)
        : -Infinity;
    }
    case "check-amount-mismatch":
      return MODEL.checkAmountMismatchLogOdds;
  }
}

/**
 * The description's weight assumes a typical share of an amount's transactions belong to one merchant. Where
 * the incoming row's merchant has a smaller share of this amount (a price many merchants charge), the same
 * merchant on both sides is stronger evidence. Where it has nearly all of them (a coffee shop's menu price) the
 * consistent model would weigh it less; MODEL.merchantShare.min keeps that at 0 (docs/dedup.md, limits).
 */
function merchantShareLogOdds(candidate: Candidate): number {
  if (!candidate.sameMerchant) return 0;
  const { typical, min, max } = MODEL.merchantShare;
  return Math.min(max, Math.max(min, Math.log(typical / candidate.merchantShare)));
}

/**
 * A description with no merchant words says nothing. One typed by hand is the bookkeeper's own words ("Office
 * supplies" for "AMZN MKTP"), so it can agree as much as a bank's but contradicts far less.
 */
function descriptionLogOdds({ similarity, byHand }: Candidate): number {
  if (similarity === null) return 0;
  const { pivot, slope, min, max, byHandMin } = MODEL.description;
  return Math.min(max, Math.max(byHand ? byHandMin : min, slope * (similarity - pivot)));
}

/** Why the pair was scored as it was, in words a treasurer can check against the two rows. */
export function reasonsFor(candidate: Candidate): string[] {
  const { incoming, existing } = candidate;
  const distance = dateReason(Math.abs(candidate.offset));
  const similarity = similarityReason(candidate.similarity, candidate.byHand);
  const frequency = candidate.period
    ? `amount recurs about every ${candidate.period} days in this account`
    : rarityReason(candidate.amountRate);
  let reasons: string[];
  switch (candidate.model) {
    case "same-amount":
    case "still-pending":
      reasons =
        candidate.model === "still-pending"
          ? ["still pending", "same amount", distance, similarity, frequency]
          : ["same amount", distance, similarity, frequency];
      if (incoming.checkNumber && incoming.checkNumber === existing.checkNumber)
        reasons.push(`same check number ${incoming.checkNumber}`);
      break;
    case "posting":
      reasons = ["posted version of a pending transaction", "same amount", distance, similarity, frequency];
      break;
    case "tip":
      reasons = [
        `amount changed from ${formatCents(existing.row.amountCents)} to ${formatCents(incoming.row.amountCents)} ` +
          "when the pending transaction posted (tip)",
        distance,
        similarity,
      ];
      break;
    case "check-clearing":
      reasons = [
        `check ${incoming.checkNumber} cleared ${Math.abs(candidate.offset)} days after a hand-entered register entry`,
        "same amount",
        frequency,
      ];
      break;
    case "rounded":
      reasons = [
        `amount ${formatCents(existing.row.amountCents)} in the register ` +
          `is the bank's ${formatCents(incoming.row.amountCents)} to the dollar`,
        distance,
        similarity,
        frequency,
      ];
      break;
    case "check-amount-mismatch":
      reasons = [
        `same check number ${incoming.checkNumber}`,
        `amounts differ: ${formatCents(existing.row.amountCents)} in the register, ` +
          `${formatCents(incoming.row.amountCents)} at the bank`,
        distance,
      ];
      break;
  }
  if (merchantShareLogOdds(candidate) >= MODEL.merchantShare.reasonFrom) {
    reasons.push(
      `few transactions of this amount nearby are this merchant's (${Math.round(candidate.merchantShare * 100)}%)`,
    );
  }
  if (isOnlyOneNearby(candidate))
    reasons.push(`the only transaction of this amount within ${MODEL.maxDateDistanceDays} days`);
  if (candidate.numbersDisagree) reasons.push("reference numbers in the descriptions differ");
  if (candidate.authorizedElsewhen)
    reasons.push("the purchase date in one description does not fit the other row's date");
  if (candidate.continuity <= MODEL.continuityReasonBelow)
    reasons.push(
      "the register entry's bank id did not come back, though this connection sent the ids of the others again",
    );
  if (existing.row.kind === "hidden") reasons.push("matches a transaction hidden earlier");
  return reasons;
}

export function dateReason(distance: number): string {
  if (distance === 0) return "same date";
  return `dates ${distance} day${distance === 1 ? "" : "s"} apart`;
}

function similarityReason(similarity: number | null, byHand: boolean): string {
  if (similarity === null)
    return byHand ? "the register entry has no description to compare" : "no merchant name to compare";
  return similarity >= 0.995 ? "same description" : `description ${Math.round(similarity * 100)}% similar`;
}

function rarityReason(ratePerDay: number): string {
  const perMonth = ratePerDay * 30;
  if (perMonth < 0.5) return "amount is rare in this account";
  return (
    `amount appears about ${Math.max(1, Math.round(perMonth))} time${perMonth < 1.5 ? "" : "s"} ` +
    "a month in this account"
  );
}
