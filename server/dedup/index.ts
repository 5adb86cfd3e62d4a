export { matchTransactions } from "./match-transactions";
export { extractCheckNumber, normalizeCheckNumber } from "./check-number";
export { parseAmountCents, formatCents } from "./amount";
export type { ExistingTransaction, IncomingTransaction, MatchInput, MatchResult, MatchTier } from "./types";
export { EXISTING_KINDS } from "./types";
