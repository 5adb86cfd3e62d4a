import type { z } from "zod";
import type { Logger } from "@/server/log";
import type { CircuitBreakers } from "./circuit-breaker";
import { AggregatorError, type AggregatorErrorInit, type AggregatorErrorKind } from "./errors";
import { backoffDelay, type RetryPolicy } from "./retry";
import { recordAggregatorCall } from "@/server/metrics/registry";

// How every provider client makes a call: the institution's circuit breaker first, one HTTP
// request per attempt with a timeout, its answer parsed against the client's schema or turned
// into an AggregatorError of the right kind, and transient failures tried again with backoff.
// Logs name the operation, ids, status and timing, never a body. Each client says only what is
// its own: the URL and headers, how its error bodies read, whether a call may be repeated.

export interface CallIds {
  operation: string;
  /** Selects the circuit breaker (null: the catalog's), so one bank's outage does not hold calls for the others. */
  institutionId: string | null;
  loginId: string | null;
}

export type Attempt<T> = { ok: true; value: T; httpStatus: number } | { ok: false; error: AggregatorError };

export interface CallerOptions {
  breakers: CircuitBreakers;
  retry: RetryPolicy;
  log: Logger;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry; tests use it to observe the schedule. */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: AggregatorError }) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs attempts until one answers, a failure is not worth another try, or the attempts run
 * out. `retries` false: a write the provider cannot recognise as repeated is made once.
 * `reattempt` may claim a failure the client can mend itself (an expired token) and have the
 * same attempt made again.
 */
export async function runCall<T>(
  o: CallerOptions,
  ids: CallIds,
  attemptOnce: (attempt: number) => Promise<Attempt<T>>,
  options: { retries: boolean; reattempt?: (error: AggregatorError) => Promise<boolean> } = { retries: true },
): Promise<T> {
  const breakerKey = ids.institutionId ?? "catalog";
  for (let attempt = 1; ; attempt++) {
    const permit = o.breakers.tryAcquire(breakerKey);
    if (!permit.ok) {
      o.log.warn({ ...ids, attempt }, "aggregator call refused: circuit open");
      recordAggregatorCall({ operation: ids.operation, outcome: "circuit-open", code: null, ms: 0 });
      throw new AggregatorError({
        kind: "circuit-open",
        ...ids,
        attempts: attempt - 1,
        retryAfterMs: permit.retryInMs,
      });
    }
    const started = performance.now();
    const result = await attemptOnce(attempt);
    const ms = Math.round(performance.now() - started);
    if (result.ok) {
      o.breakers.success(breakerKey);
      o.log.debug({ ...ids, attempt, ms, httpStatus: result.httpStatus }, "aggregator call ok");
      recordAggregatorCall({ operation: ids.operation, outcome: "ok", code: null, ms });
      return result.value;
    }
    const error = result.error;
    if (error.retryable && error.kind !== "rate-limited") o.breakers.failure(breakerKey);
    else o.breakers.success(breakerKey);
    const fields = { ...ids, attempt, ms, kind: error.kind, code: error.code, httpStatus: error.httpStatus };
    recordAggregatorCall({ operation: ids.operation, outcome: error.kind, code: error.code, ms });
    if (options.reattempt && (await options.reattempt(error))) {
      o.log.info(fields, "aggregator call failed; mended, trying again");
      attempt--;
      continue;
    }
    if (!options.retries || !error.retryable || attempt >= o.retry.maxAttempts) {
      o.log.info(fields, "aggregator call failed");
      throw error;
    }
    const slow = error.code !== null && error.code >= 900 && error.code <= 907;
    const delayMs = Math.max(backoffDelay(attempt, o.retry, { slow, random: o.random }), error.retryAfterMs ?? 0);
    o.log.warn({ ...fields, retryInMs: delayMs }, "aggregator call failed; retrying");
    o.onRetry?.({ operation: ids.operation, attempt, delayMs, error });
    await (o.sleep ?? defaultSleep)(delayMs);
  }
}

export interface HttpRequest<T> {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  schema: z.ZodType<T> | null;
  /** HTTP statuses that count as success without a body (404 on a removal). */
  okStatuses?: number[];
  /** Values that must never reach an error (credentials, answers, tokens). */
  secrets?: readonly string[];
  fetch?: typeof fetch;
}

/** What a provider's error body says: its aggregation status code (or none) and message. */
export type ErrorBodyReader = (json: unknown) => { code: number | null; message: string | null } | null;

/** One HTTP request and its answer: the parsed body, or an AggregatorError of the right kind. */
export async function sendRequest<T>(
  req: HttpRequest<T>,
  ids: CallIds,
  attempt: number,
  readErrorBody: ErrorBodyReader,
): Promise<Attempt<T>> {
  const fail = (kind: AggregatorErrorKind, extra: Partial<AggregatorErrorInit> = {}): Attempt<T> => ({
    ok: false,
    error: new AggregatorError({ kind, ...ids, attempts: attempt, secrets: req.secrets, ...extra }),
  });
  let res: Response;
  let text: string;
  try {
    res = await (req.fetch ?? fetch)(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    return fail(name === "TimeoutError" || name === "AbortError" ? "timeout" : "network");
  }

  if (res.ok || req.okStatuses?.includes(res.status)) {
    if (!req.schema) return { ok: true, value: undefined as T, httpStatus: res.status };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail("invalid-response", { httpStatus: res.status });
    }
    const parsed = req.schema.safeParse(json);
    if (!parsed.success) return fail("invalid-response", { httpStatus: res.status });
    return { ok: true, value: parsed.data, httpStatus: res.status };
  }

  let body: ReturnType<ErrorBodyReader> = null;
  try {
    body = readErrorBody(JSON.parse(text));
  } catch {
    // not JSON: a proxy's error page
  }
  const providerMessage = body?.message ?? null;
  if (body?.code != null) return fail("status", { code: body.code, httpStatus: res.status, providerMessage });
  if (res.status === 429) {
    const retryAfter = Number(res.headers.get("retry-after"));
    return fail("rate-limited", {
      httpStatus: 429,
      providerMessage,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
    });
  }
  if (res.status === 404) return fail("not-found", { httpStatus: 404, providerMessage });
  return fail("http", { httpStatus: res.status, providerMessage });
}

/** The URL of a path with its query, undefined values left out. */
export function callUrl(
  baseUrl: string,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
): URL {
  const url = new URL(baseUrl + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}
