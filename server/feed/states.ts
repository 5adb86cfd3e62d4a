import { Prisma } from "@/server/db/client";

/** Feed rows waiting for the customer: a retrieval may still revise or replace them. */
export const UNREVIEWED_STATES: readonly string[] = ["NEW", "DUPLICATE", "POSSIBLE_DUPLICATE"];

/** Timestamps are stored in UTC whatever the server's time zone. */
export const UTC_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;
