import { readFileSync } from "node:fs";
import path from "node:path";
import { createBooks } from "@/server/feed/testing/books";
import type { AccessCases, AccessWorld } from "@/server/testing/access-cases";

const write = { kind: "org", permission: "books.write" } as const;
const ofx = () => readFileSync(path.join(import.meta.dirname, "..", "fixtures", "checking-v2.ofx")).toString("base64");
const file = () => ({ fileName: "checking-v2.ofx", contentBase64: ofx() });

// A fresh bank account of `home` for every call: importing twice into one account adds nothing, and each
// actor should meet an import that does something.
const homeAccount = (w: AccessWorld) => createBooks(w.db, w.home.org.id).then(({ bankAccountId }) => bankAccountId);

export const statementsAccessCases: AccessCases = {
  "statements.preview": { access: write, input: (w) => ({ orgSlug: w.home.org.slug, ...file() }) },
  "statements.import": {
    access: write,
    input: async (w) => ({
      orgSlug: w.home.org.slug,
      ...file(),
      targets: [{ account: 0, bankAccountId: await homeAccount(w) }],
    }),
    foreignIdsInput: async (w) => ({
      orgSlug: w.other.org.slug,
      ...file(),
      targets: [{ account: 0, bankAccountId: await homeAccount(w) }],
    }),
  },
};
