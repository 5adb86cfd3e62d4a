import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/router";

type Outputs = inferRouterOutputs<AppRouter>["connections"];

export type ConnectionView = Outputs["list"][number];
export type AttemptOutcome = Outputs["link"];
export type MfaOutcome = Extract<AttemptOutcome, { kind: "mfa" }>;
export type FailedOutcome = Extract<AttemptOutcome, { kind: "failed" }>;
export type Notice = Outputs["notices"][number];
export type ConnectSessionView = Outputs["connectSession"];
export type LinkStyle = ConnectionView["institution"]["linkStyle"];
/** A status code as the customer reads it, with its remedy (server/aggregator/status-codes.ts). */
export type Problem = FailedOutcome["problem"];

/** What the page may show a person, from the permission table (passed down by the server page). */
export interface Abilities {
  /** Link, Update Login, remove, choose accounts. */
  manage: boolean;
  /** Retrieve Transactions and answer security questions. */
  retrieve: boolean;
}
