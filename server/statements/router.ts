import { z } from "zod";
import { actorOf, recordAudit } from "@/server/audit/service";
import { DomainError } from "@/server/errors";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import { DATE_FORMATS, DELIMITERS } from "./csv";
import { importStatement, previewStatement } from "./import";
import { MAX_STATEMENT_BYTES } from "./types";

const id = z.string().min(1).max(64);
const column = z.number().int().min(0).max(500);

export const csvMappingSchema = z.object({
  delimiter: z.enum(DELIMITERS),
  hasHeader: z.boolean(),
  date: column,
  dateFormat: z.enum(DATE_FORMATS),
  amount: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("signed"), column }),
    z.object({ kind: z.literal("split"), debit: column, credit: column }),
  ]),
  decimalMark: z.enum([".", ","]),
  description: z.array(column).min(1, "Choose the description column.").max(10),
  reference: column.nullable(),
  checkNumber: column.nullable(),
  signsReversed: z.boolean(),
});

/** The file travels as base64: 10 MB of bytes is at most this many characters. */
const MAX_BASE64 = Math.ceil(MAX_STATEMENT_BYTES / 3) * 4;

const file = {
  fileName: z.string().trim().min(1).max(255),
  contentBase64: z
    .string()
    .min(1, "The file is empty.")
    .max(MAX_BASE64 + 4, "The file is larger than 10 MB. Statement files of up to 10 MB can be imported; download a shorter period.")
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "The file did not arrive whole; choose it again."),
  csvMapping: csvMappingSchema.nullish(),
};

function bytesOf(contentBase64: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(contentBase64, "base64"));
  if (bytes.length > MAX_STATEMENT_BYTES) throw new DomainError("BAD_REQUEST", "The file is larger than 10 MB. Statement files of up to 10 MB can be imported; download a shorter period.");
  return bytes;
}

const accountSchema = z.object({
  index: z.number(),
  label: z.string(),
  kind: z.enum(["checking", "savings", "creditCard", "other"]),
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

const previewSchema = z.object({
  fileName: z.string(),
  format: z.enum(["ofx", "qfx", "qif", "csv", "camt053"]),
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
  accounts: z.array(accountSchema),
});

const target = z.union([
  z.object({ account: z.number().int().min(0).max(99), bankAccountId: id, registerId: z.null().optional() }),
  z.object({ account: z.number().int().min(0).max(99), registerId: id, bankAccountId: z.null().optional() }),
]);

export const statementsRouter = createRouter({
  /** What the file holds (accounts, counts, dates, totals) and where each account would go; nothing is saved. */
  preview: orgProcedure("books.write")
    .input(z.object(file))
    .output(previewSchema)
    .mutation(({ ctx, input }) =>
      previewStatement(ctx.db, { organizationId: ctx.org.id, fileName: input.fileName, bytes: bytesOf(input.contentBase64), csvMapping: input.csvMapping }),
    ),

  import: orgProcedure("books.write")
    .input(z.object({ ...file, targets: z.array(target).min(1, "Choose where at least one account of the file goes.").max(100) }))
    .output(
      z.object({
        accounts: z.array(
          z.object({
            account: z.number(),
            bankAccountId: z.string(),
            bankAccountName: z.string(),
            received: z.number(),
            added: z.number(),
            alreadyInFeed: z.number(),
            flagged: z.number(),
            hidden: z.number(),
          }),
        ),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const result = await importStatement(ctx.db, {
        organizationId: ctx.org.id,
        actorUserId: ctx.user.id,
        fileName: input.fileName,
        bytes: bytesOf(input.contentBase64),
        csvMapping: input.csvMapping,
        targets: input.targets,
      });
      await recordAudit(ctx.db, {
        actor: actorOf(ctx),
        organizationId: ctx.org.id,
        action: "statement.import",
        objectType: "BankAccount",
        objectId: result.accounts.length === 1 ? result.accounts[0]!.bankAccountId : null,
        details: { fileName: input.fileName, accounts: result.accounts.map(({ bankAccountId, received, added, flagged, hidden }) => ({ bankAccountId, received, added, flagged, hidden })) },
      });
      return result;
    }),
});
