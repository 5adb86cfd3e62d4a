import { createBooks } from "@/server/feed/testing/books";
import type { AccessCases, AccessWorld } from "@/server/testing/access-cases";

const read = { kind: "org", permission: "org.read" } as const;
const write = { kind: "org", permission: "books.write" } as const;

const homeRegister = (w: AccessWorld) => createBooks(w.db, w.home.org.id).then(({ registerId }) => registerId);
const entry = { date: "2026-01-15", description: "Access case deposit", amountCents: 12_500, checkNumber: null };

export const registerAccessCases: AccessCases = {
  "register.list": { access: read, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "register.entries": {
    access: read,
    input: async (w) => ({ orgSlug: w.home.org.slug, registerId: await homeRegister(w) }),
    foreignIdsInput: async (w) => ({ orgSlug: w.other.org.slug, registerId: await homeRegister(w) }),
  },
  "register.addEntry": {
    access: write,
    input: async (w) => ({ orgSlug: w.home.org.slug, registerId: await homeRegister(w), ...entry }),
    foreignIdsInput: async (w) => ({ orgSlug: w.other.org.slug, registerId: await homeRegister(w), ...entry }),
  },
};
