import { randomBytes } from "node:crypto";
import { z } from "zod";

// Fault injection for reliability tests. Process-wide defaults come from the environment
// (SANDBOX_LATENCY_MS, SANDBOX_ERROR_RATE, SANDBOX_DROP_RATE) and can be changed at run
// time; rules added through the admin API apply to matching requests only (one customer,
// login, institution or path), optionally for the next N requests or for a while, so
// parallel test suites can break their own traffic without touching anyone else's.

export const faultSettings = z.object({
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  /** Extra random latency in [0, latencyJitterMs). */
  latencyJitterMs: z.number().int().min(0).max(120_000).default(0),
  /** Share of requests answered with a 500 (0–1). */
  errorRate: z.number().min(0).max(1).default(0),
  /** Share of requests whose connection is dropped without an answer (0–1). */
  dropRate: z.number().min(0).max(1).default(0),
});
export type FaultSettings = z.infer<typeof faultSettings>;

export const faultRuleInput = faultSettings.extend({
  match: z
    .object({
      customerId: z.string().optional(),
      loginId: z.string().optional(),
      institutionId: z.string().optional(),
      pathPrefix: z.string().optional(),
      method: z.string().optional(),
    })
    .default({}),
  /** The HTTP status of injected errors (default 500). */
  errorStatus: z.number().int().min(500).max(599).default(500),
  /** Apply to this many matching requests, then retire. */
  times: z.number().int().min(1).optional(),
  /** Retire after this long. */
  ttlMs: z.number().int().min(1).optional(),
});
export type FaultRuleInput = z.input<typeof faultRuleInput>;

export interface FaultRule extends z.infer<typeof faultRuleInput> {
  id: string;
  remaining: number | null;
  expiresAt: number | null;
  hits: number;
}

export interface RequestScope {
  method: string;
  path: string;
  customerId?: string;
  loginId?: string;
  institutionId?: string;
}

export interface FaultDecision {
  latencyMs: number;
  action: "none" | "error" | "drop";
  errorStatus: number;
  ruleId: string | null;
}

export function faultsFromEnv(env: Record<string, string | undefined>): FaultSettings {
  const num = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return faultSettings.parse({
    latencyMs: num("SANDBOX_LATENCY_MS"),
    latencyJitterMs: num("SANDBOX_LATENCY_JITTER_MS"),
    errorRate: num("SANDBOX_ERROR_RATE"),
    dropRate: num("SANDBOX_DROP_RATE"),
  });
}

export class Faults {
  private rules: FaultRule[] = [];
  defaults: FaultSettings;

  constructor(
    private readonly initial: FaultSettings,
    private readonly random: () => number = Math.random,
  ) {
    this.defaults = { ...initial };
  }

  addRule(input: FaultRuleInput, now = Date.now()): FaultRule {
    const parsed = faultRuleInput.parse(input);
    const rule: FaultRule = {
      ...parsed,
      id: `fault_${randomBytes(6).toString("hex")}`,
      remaining: parsed.times ?? null,
      expiresAt: parsed.ttlMs ? now + parsed.ttlMs : null,
      hits: 0,
    };
    this.rules.unshift(rule);
    return rule;
  }

  removeRule(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  list(now = Date.now()) {
    this.prune(now);
    return { defaults: this.defaults, rules: this.rules };
  }

  reset() {
    this.rules = [];
    this.defaults = { ...this.initial };
  }

  private prune(now: number) {
    this.rules = this.rules.filter(
      (r) => (r.remaining === null || r.remaining > 0) && (r.expiresAt === null || r.expiresAt > now),
    );
  }

  decide(scope: RequestScope, now = Date.now()): FaultDecision {
    this.prune(now);
    const rule = this.rules.find((r) => matches(r, scope));
    const settings: FaultSettings = rule ?? this.defaults;
    if (rule) {
      rule.hits++;
      if (rule.remaining !== null) rule.remaining--;
    }
    const latencyMs =
      settings.latencyMs + (settings.latencyJitterMs ? Math.floor(this.random() * settings.latencyJitterMs) : 0);
    const roll = this.random();
    const action = roll < settings.dropRate ? "drop" : roll < settings.dropRate + settings.errorRate ? "error" : "none";
    return { latencyMs, action, errorStatus: rule?.errorStatus ?? 500, ruleId: rule?.id ?? null };
  }
}

function matches(rule: FaultRule, scope: RequestScope): boolean {
  const m = rule.match;
  if (m.method && m.method.toUpperCase() !== scope.method) return false;
  if (m.pathPrefix && !scope.path.startsWith(m.pathPrefix)) return false;
  if (m.customerId && m.customerId !== scope.customerId) return false;
  if (m.loginId && m.loginId !== scope.loginId) return false;
  if (m.institutionId && m.institutionId !== scope.institutionId) return false;
  return true;
}
