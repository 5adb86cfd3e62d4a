import { Prisma } from "@/server/db/client";
import { MODEL } from "@/server/dedup/model";

/** Feed rows waiting for the customer: a retrieval may still revise or replace them. */
export const UNREVIEWED_STATES: readonly string[] = ["NEW", "DUPLICATE", "POSSIBLE_DUPLICATE"];

/** Timestamps are stored in UTC whatever the server's time zone. */
export const UTC_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/**
 * The state an un-hidden row returns to, from the match stored on it: the matcher's tier for a
 * match of a register entry (its score decides it), a possible duplicate for a match of a hidden
 * transaction, new without a match. So Un-hide all puts a batch back exactly as it was.
 */
export const RESTORED_STATE = Prisma.sql`(CASE
  WHEN "matchRegisterEntryId" IS NOT NULL AND "matchScore" >= ${MODEL.duplicateThreshold} THEN 'DUPLICATE'
  WHEN "matchRegisterEntryId" IS NOT NULL OR "matchFeedTransactionId" IS NOT NULL THEN 'POSSIBLE_DUPLICATE'
  ELSE 'NEW' END)::"FeedState"`;
