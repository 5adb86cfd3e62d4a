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

/** The prior, updated with the offsets of pairs nothing else competes for. */
export function learnOffsets(observed: readonly number[]): OffsetModel {
  if (observed.length === 0) return priorOffsets;
  const counts = new Float64Array(2 * LIMIT + 1);
  for (const offset of observed) if (Math.abs(offset) <= LIMIT) counts[offset + LIMIT]! += 1;
  const weight = MODEL.offsetPriorWeight;
  const total = observed.length + weight;
  // The batch may raise an offset above the prior, but lowers none by more than the floor: anchors are
  // mostly rows that never move (transfers, deposits), and must not silence the card purchases that do.
  return (offset) => {
    const seen = Math.abs(offset) <= LIMIT ? counts[offset + LIMIT]! : 0;
    const prior = priorOffsetProbability(offset);
    return Math.max(MODEL.offsetFloor * prior, (seen + weight * prior) / total);
  };
}

/** Log-odds that the pair is the same transaction; −Infinity when the model rules it out. */
export function logOddsOf(candidate: Candidate, offsets: OffsetModel): number {
  const numbers = candidate.numbersDisagree ? MODEL.numbersDisagreeLogOdds : 0;
  const description = descriptionLogOdds(candidate.similarity) + numbers;
  const rarity = -Math.log(candidate.coincidence);
  switch (candidate.model) {
    case "same-amount":
      return MODEL.priorLogOdds + Math.log(offsets(candidate.offset)) + rarity + description;
    case "posting": {
      const lag = MODEL.postingLagProbability.get(candidate.offset);
      return lag ? MODEL.priorLogOdds + Math.log(lag) + rarity + description : -Infinity;
    }
    case "tip": {
      const lag = MODEL.postingLagProbability.get(candidate.offset);
      if (!lag || candidate.similarity < MODEL.tip.minDescriptionSimilarity) return -Infinity;
      const otherVisit = candidate.merchantRate * MODEL.tip.bandShare;
      return MODEL.priorLogOdds + MODEL.tip.amountLogOdds + Math.log(lag) - Math.log(otherVisit) + description;
    }
    case "check-clearing": {
      const clearing = checkClearingProbability(candidate.offset);
      return clearing ? MODEL.priorLogOdds + Math.log(clearing) + rarity + Math.max(MODEL.checkClearingMinDescriptionLogOdds, description) : -Infinity;
    }
    case "check-amount-mismatch":
      return MODEL.checkAmountMismatchLogOdds;
  }
}

function descriptionLogOdds(similarity: number): number {
  const { pivot, slope, min, max } = MODEL.description;
  return Math.min(max, Math.max(min, slope * (similarity - pivot)));
}

/** Why the pair was scored as it was, in words a treasurer can check against the two rows. */
export function reasonsFor(candidate: Candidate): string[] {
  const { incoming, existing } = candidate;
  const distance = dateReason(Math.abs(candidate.offset));
  const similarity = similarityReason(candidate.similarity);
  const frequency = candidate.period ? `amount recurs about every ${candidate.period} days in this account` : rarityReason(candidate.amountRate);
  let reasons: string[];
  switch (candidate.model) {
    case "same-amount":
      reasons = ["same amount", distance, similarity, frequency];
      if (incoming.checkNumber && incoming.checkNumber === existing.checkNumber) reasons.push(`same check number ${incoming.checkNumber}`);
      break;
    case "posting":
      reasons = ["posted version of a pending transaction", "same amount", distance, similarity, frequency];
      break;
    case "tip":
      reasons = [
        `amount changed from ${formatCents(existing.row.amountCents)} to ${formatCents(incoming.row.amountCents)} when the pending transaction posted (tip)`,
        distance,
        similarity,
      ];
      break;
    case "check-clearing":
      reasons = [`check ${incoming.checkNumber} cleared ${Math.abs(candidate.offset)} days after a hand-entered register entry`, "same amount", frequency];
      break;
    case "check-amount-mismatch":
      reasons = [
        `same check number ${incoming.checkNumber}`,
        `amounts differ: ${formatCents(existing.row.amountCents)} in the register, ${formatCents(incoming.row.amountCents)} at the bank`,
        distance,
      ];
      break;
  }
  if (candidate.numbersDisagree) reasons.push("reference numbers in the descriptions differ");
  if (existing.row.kind === "hidden") reasons.push("matches a transaction hidden earlier");
  return reasons;
}

export function dateReason(distance: number): string {
  if (distance === 0) return "same date";
  return `dates ${distance} day${distance === 1 ? "" : "s"} apart`;
}

function similarityReason(similarity: number): string {
  return similarity >= 0.995 ? "same description" : `description ${Math.round(similarity * 100)}% similar`;
}

function rarityReason(ratePerDay: number): string {
  const perMonth = ratePerDay * 30;
  if (perMonth < 0.5) return "amount is rare in this account";
  return `amount appears about ${Math.max(1, Math.round(perMonth))} time${perMonth < 1.5 ? "" : "s"} a month in this account`;
}
