/** What a known row is: a register entry, or a feed transaction the customer hid. */
export const EXISTING_KINDS = ["register", "hidden"] as const;

/** A row already known for an account: a register entry, or a feed transaction the customer hid. */
export interface ExistingTransaction {
  id: string;
  /** The register (ledger) account the row belongs to; candidates never cross accounts. */
  account: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Signed integer cents. */
  amountCents: number;
  description: string;
  /** Explicit check number; when absent one is read from the description ("CHECK 1043"). */
  checkNumber?: string | null;
  /** Every provider (aggregator) id ever seen for this row, across links and refreshes. */
  providerIds: string[];
  /** `hidden` is a tombstone of a feed transaction the customer hid; a match keeps the new one hidden. */
  kind: (typeof EXISTING_KINDS)[number];
  /** True when the row was imported while the bank still showed it pending (amount may change on posting). */
  pending?: boolean;
  /**
   * True when the row came from a bank feed (imported from one, or matched to one): the register knows it under
   * some provider id. The matcher only reads the provider ids the incoming batch names, so a caller may list
   * just those in `providerIds`; this flag says there are others. With it, a refresh from a connection that
   * named the register's other rows by their ids again, but not this one, counts against a fuzzy match.
   * Tombstones (`hidden`) always count as from a bank feed.
   */
  fromBank?: boolean;
  /**
   * The sources whose provider ids the row carries (a connection's account, a bank account's statements): any
   * names the caller chooses. An incoming row of one of these sources under another id is another transaction.
   */
  sources?: readonly string[];
  /**
   * The description (and amount) are a bookkeeper's: typed by hand or from the books' own file, even once a bank
   * transaction was matched to the row. When absent: a register row with no provider id and not `fromBank`.
   */
  typedByHand?: boolean;
}

/** A row just retrieved from the bank feed. */
export interface IncomingTransaction {
  id: string;
  account: string;
  date: string;
  amountCents: number;
  description: string;
  pending: boolean;
  providerId: string | null;
  /** For a posted transaction: the provider id of the pending transaction it replaces. */
  pendingProviderId?: string | null;
  checkNumber?: string | null;
  /**
   * Where its provider id comes from. Within one source a different provider id means a different transaction
   * (a refresh, the same bank account's statements); across sources (a re-link, a statement against a
   * connection) it does not. Null or absent: unknown, treated as another source.
   */
  source?: string | null;
}

export type MatchTier = "duplicate" | "possible" | "new";

export interface MatchResult {
  incomingId: string;
  /** The existing row this one duplicates; null when `tier` is `new`. */
  matchId: string | null;
  /** Kind of the matched row; null when nothing matched. */
  matchKind: ExistingTransaction["kind"] | null;
  /**
   * 0..1. For a match, the confidence of that pair; for `new`, the best rejected candidate's score (below the flag
   * threshold) or 0.
   */
  score: number;
  tier: MatchTier;
  /** Human-readable signals, e.g. "same amount", "dates 1 day apart", "description 92% similar". */
  reasons: string[];
}

export interface MatchInput {
  existing: readonly ExistingTransaction[];
  incoming: readonly IncomingTransaction[];
}
