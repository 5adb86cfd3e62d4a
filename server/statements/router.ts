import { actorOf, recordAudit } from "@/server/audit/service";
import { DomainError } from "@/server/errors";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import { importStatement, previewStatement } from "./import";
import { importInput, previewInput, statementImported, statementPreview, TOO_LARGE } from "./schemas";
import { MAX_STATEMENT_BYTES } from "./types";

function bytesOf(contentBase64: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(contentBase64, "base64"));
  if (bytes.length > MAX_STATEMENT_BYTES) throw new DomainError("BAD_REQUEST", TOO_LARGE);
  return bytes;
}

export const statementsRouter = createRouter({
  /** What the file holds (accounts, counts, dates, totals) and where each account would go; nothing is saved. */
  preview: orgProcedure("books.write")
    .input(previewInput)
    .output(statementPreview)
    .mutation(({ ctx, input }) =>
      previewStatement(ctx.db, {
        organizationId: ctx.org.id,
        fileName: input.fileName,
        bytes: bytesOf(input.contentBase64),
        csvMapping: input.csvMapping,
      }),
    ),

  import: orgProcedure("books.write")
    .input(importInput)
    .output(statementImported)
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
        details: {
          fileName: input.fileName,
          accounts: result.accounts.map(({ bankAccountId, received, added, flagged, hidden }) => ({
            bankAccountId,
            received,
            added,
            flagged,
            hidden,
          })),
        },
      });
      return result;
    }),
});
