import {
  describeStatus,
  isTransientCode,
  needsCustomer,
  type DescribeOptions,
  type StatusDescription,
} from "@/server/aggregator/status-codes";

// Every failure of the provider client is an AggregatorError. It carries what callers
// decide on (status code, retryable, needs the customer) and nothing of the request: no
// body, no headers, no credentials. A provider's own message is kept only after every
// secret of the call has been cut out of it.

export type AggregatorErrorKind =
  /** The aggregator answered with a status code (103, 325, 910 …). */
  | "status"
  /** No answer within the timeout. */
  | "timeout"
  /** Connection refused, reset or dropped. */
  | "network"
  /** An HTTP error without a status code (500, 401, 400 …). */
  | "http"
  | "rate-limited"
  | "not-found"
  /** Refused locally: the institution's circuit breaker is open. */
  | "circuit-open"
  /** The answer did not match the wire contract. */
  | "invalid-response";

export interface AggregatorErrorInit {
  kind: AggregatorErrorKind;
  operation: string;
  code?: number | null;
  httpStatus?: number | null;
  institutionId?: string | null;
  loginId?: string | null;
  attempts?: number;
  retryAfterMs?: number | null;
  providerMessage?: string | null;
  /** Strings that must never appear in the error (the call's credentials and answers). */
  secrets?: readonly string[];
}

const TRANSIENT_KINDS: AggregatorErrorKind[] = ["timeout", "network", "rate-limited", "circuit-open"];

/**
 * Marks AggregatorErrors by a registered symbol rather than by class: Next.js bundles a module
 * once per layer (a page's and a route handler's), and the process-wide client may come from
 * either, so `instanceof` would miss an error thrown by the other copy.
 */
const BRAND = Symbol.for("bankline.AggregatorError");

export class AggregatorError extends Error {
  override readonly name = "AggregatorError";
  readonly [BRAND] = true;
  readonly kind: AggregatorErrorKind;
  readonly operation: string;
  /** The aggregator's status code, or null when it gave none (network, timeout, plain HTTP error). */
  readonly code: number | null;
  readonly httpStatus: number | null;
  /** Worth trying again later without the customer (network, 5xx, 102, 900–910, rate limit, open breaker). */
  readonly retryable: boolean;
  /** Only the customer can fix it (103, 108, 109, 185, 187, 331, 945, 946): never retry in the background. */
  readonly needsCustomer: boolean;
  readonly institutionId: string | null;
  readonly loginId: string | null;
  readonly attempts: number;
  readonly retryAfterMs: number | null;
  readonly providerMessage: string | null;

  constructor(init: AggregatorErrorInit) {
    const code = init.code ?? null;
    const retryable =
      code !== null ? isTransientCode(code) : TRANSIENT_KINDS.includes(init.kind) || (init.httpStatus ?? 0) >= 500;
    const providerMessage = init.providerMessage ? scrub(init.providerMessage, init.secrets ?? []) : null;
    super(`${init.operation} failed: ${reason(init.kind, code, init.httpStatus ?? null)}`);
    this.kind = init.kind;
    this.operation = init.operation;
    this.code = code;
    this.httpStatus = init.httpStatus ?? null;
    this.retryable = retryable;
    this.needsCustomer = code !== null && needsCustomer(code);
    this.institutionId = init.institutionId ?? null;
    this.loginId = init.loginId ?? null;
    this.attempts = init.attempts ?? 1;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.providerMessage = providerMessage;
  }

  /**
   * What the failure means for the product. A failure without a status code (the provider
   * could not be reached) is handled like 102: nobody acts, retried with backoff.
   */
  describe(options: DescribeOptions = {}): StatusDescription {
    if (this.code !== null) return describeStatus(this.code, options);
    const like102 = describeStatus(102, options);
    if (this.retryable) return { ...like102, known: false, title: "The aggregator could not be reached" };
    return {
      ...like102,
      known: false,
      retry: "no",
      title: "The aggregator refused the request",
      nextStep: "Try again later. If the problem stays, contact support.",
    };
  }

  private init(): AggregatorErrorInit {
    return {
      kind: this.kind,
      operation: this.operation,
      code: this.code,
      httpStatus: this.httpStatus,
      institutionId: this.institutionId,
      loginId: this.loginId,
      attempts: this.attempts,
      retryAfterMs: this.retryAfterMs,
      providerMessage: this.providerMessage,
    };
  }

  toJSON() {
    return {
      name: this.name,
      message: this.message,
      ...this.init(),
      retryable: this.retryable,
      needsCustomer: this.needsCustomer,
    };
  }
}

function reason(kind: AggregatorErrorKind, code: number | null, httpStatus: number | null): string {
  if (code !== null) return `aggregator status ${code} (${describeStatus(code).title})`;
  switch (kind) {
    case "timeout":
      return "the aggregator did not answer in time";
    case "network":
      return "the connection to the aggregator failed";
    case "rate-limited":
      return "the aggregator is rate limiting requests";
    case "circuit-open":
      return "the institution is failing; requests are paused";
    case "invalid-response":
      return "the aggregator's answer did not match the contract";
    case "not-found":
      return "not found at the aggregator";
    default:
      return `HTTP ${httpStatus ?? "error"}`;
  }
}

/** Removes every occurrence of the call's secrets (case-insensitive) from a provider message. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.replace(new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "[redacted]");
  }
  return out.slice(0, 500);
}

export const isAggregatorError = (err: unknown): err is AggregatorError =>
  typeof err === "object" && err !== null && (err as { [BRAND]?: boolean })[BRAND] === true;
