// Errors a service raises for a person to act on. The tRPC layer turns them into the
// matching tRPC code in one place (server/trpc/init.ts); the message is shown as is.

export type DomainErrorCode =
  "BAD_REQUEST" | "NOT_FOUND" | "FORBIDDEN" | "CONFLICT" | "TOO_MANY_REQUESTS" | "PRECONDITION_FAILED";

export class DomainError extends Error {
  constructor(
    public readonly code: DomainErrorCode,
    message: string,
    /** Extra facts for the client, e.g. an aggregator status code. Never credentials. */
    public readonly details?: Record<string, string | number | boolean | null>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} was not found.`);
