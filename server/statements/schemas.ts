import { z } from "zod";
import { id } from "@/server/trpc/schemas";
import { DECIMAL_MARKS } from "./amount";
import { DATE_FORMATS, DELIMITERS } from "./csv";
import { ACCOUNT_KINDS, MAX_STATEMENT_BYTES, STATEMENT_FORMATS } from "./types";

// What statements.* procedures take and give: a statement file, how its CSV columns read,
// what it holds, and where each of its accounts goes.

const column = z.number().int().min(0).max(500);

/** How a CSV file's columns read. */
export const csvMappingSchema = z.object({
  delimiter: z.enum(DELIMITERS),
  /** The first row names the columns. */
  hasHeader: z.boolean(),
  date: column,
  dateFormat: z.enum(DATE_FORMATS),
  /** One signed amount column, or money out and money in in two columns. */
  amount: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("signed"), column }),
    z.object({ kind: z.literal("split"), debit: column, credit: column }),
  ]),
  decimalMark: z.enum(DECIMAL_MARKS),
  /** Joined with spaces, in this order. */
  description: z.array(column).min(1, "Choose the description column.").max(10),
  reference: column.nullable(),
  checkNumber: column.nullable(),
  /** Card exports that list charges as positive amounts. */
  signsReversed: z.boolean(),
});

/** The file travels as base64: 10 MB of bytes is at most this many characters. */
const MAX_BASE64 = Math.ceil(MAX_STATEMENT_BYTES / 3) * 4;
/** Said of a file past MAX_STATEMENT_BYTES, whether the check is on its base64 or on its bytes. */
export const TOO_LARGE =
  "The file is larger than 10 MB. Statement files of up to 10 MB can be imported; download a shorter period.";

const file = {
  fileName: z.string().trim().min(1).max(255),
  contentBase64: z
    .string()
    .min(1, "The file is empty.")
    .max(MAX_BASE64 + 4, TOO_LARGE)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "The file did not arrive whole; choose it again."),
  csvMapping: csvMappingSchema.nullish(),
};

export const previewInput = z.object(file);

export const statementAccount = z.object({
  index: z.number(),
  label: z.string(),
  kind: z.enum(ACCOUNT_KINDS),
  currency: z.string().nullable(),
  signsReversed: z.boolean(),
  count: z.number(),
  firstDate: z.string().nullable(),
  lastDate: z.string().nullable(),
  totalCents: z.number(),
  moneyInCents: z.number(),
  moneyOutCents: z.number(),
  suggestedBankAccountId: z.string().nullable(),
});

export const statementPreview = z.object({
  fileName: z.string(),
  format: z.enum(STATEMENT_FORMATS),
  encoding: z.string().nullable(),
  csv: z
    .object({
      columns: z.array(z.string()),
      sample: z.array(z.array(z.string())),
      dateFormats: z.array(z.enum(DATE_FORMATS)),
      mapping: csvMappingSchema.nullable(),
      rememberedFor: z.string().nullable(),
    })
    .nullable(),
  accounts: z.array(statementAccount),
});

/** Where one account of the file goes: a bank account's feed, or a register (with a feed made for it). */
export const statementTarget = z.union([
  z.object({ account: z.number().int().min(0).max(99), bankAccountId: id, registerId: z.null().optional() }),
  z.object({ account: z.number().int().min(0).max(99), registerId: id, bankAccountId: z.null().optional() }),
]);

export const importInput = z.object({
  ...file,
  targets: z.array(statementTarget).min(1, "Choose where at least one account of the file goes.").max(100),
});

export const importedAccount = z.object({
  account: z.number(),
  bankAccountId: z.string(),
  bankAccountName: z.string(),
  received: z.number(),
  added: z.number(),
  alreadyInFeed: z.number(),
  flagged: z.number(),
  hidden: z.number(),
});
export const statementImported = z.object({ accounts: z.array(importedAccount) });

export type CsvMapping = z.output<typeof csvMappingSchema>;
export type StatementTarget = z.output<typeof statementTarget>;
export type StatementPreview = z.output<typeof statementPreview>;
export type StatementImported = z.output<typeof statementImported>;
