import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { log } from "@/server/log";

// The second wall under the tenant wall: PostgreSQL row-level security. Every table a customer
// reaches carries organizationId, and its policy (prisma/migrations/*_row_level_security) shows
// the runtime role only the rows of the organization its connection is set to. The setting
// follows the code's scope (AsyncLocalStorage): the tRPC organization procedure runs its
// handler in the organization's scope, the worker's jobs in a named bypass, support's console
// in its own named bypass. Whatever runs in no scope sees no organization's rows.
//
// The pool applies the scope to a connection when it hands the connection out (for one query
// or for a transaction), and only when the connection's setting differs from it: most
// requests pay nothing, a switch costs one round trip. Session-level settings, so they hold
// across a transaction's statements and are replaced, never left behind, on the next hand-out.

export interface TenantScope {
  organizationId: string | null;
  userId: string | null;
  /** Every organization's rows: a named reason, logged when the scope is entered. */
  bypass: string | null;
}

const NOBODY: TenantScope = { organizationId: null, userId: null, bypass: null };
// One store per process: Next.js bundles this module into more than one of its server layers
// (route handlers, server components, the instrumentation hook), and every copy must read the
// scope the others set.
const globalForScopes = globalThis as unknown as {
  banklineTenantScopes?: AsyncLocalStorage<TenantScope>;
  banklineConnectionAsLeft?: TenantScope;
};
const scopes = (globalForScopes.banklineTenantScopes ??= new AsyncLocalStorage<TenantScope>());

/** Runs `work` seeing only this organization's rows (and the person's own memberships). */
export function withOrganization<T>(
  organizationId: string,
  userId: string | null,
  work: () => PromiseLike<T>,
): Promise<T> {
  return inScope({ organizationId, userId, bypass: null }, work);
}

// Prisma's queries are lazy: they run when awaited. Awaiting inside the scope runs them in it.
const inScope = <T>(scope: TenantScope, work: () => PromiseLike<T>): Promise<T> =>
  scopes.run(scope, async () => await work());

/** Runs `work` as a signed-in person outside any organization: their own memberships only. */
export function withUser<T>(userId: string, work: () => PromiseLike<T>): Promise<T> {
  return inScope({ organizationId: null, userId, bypass: null }, work);
}

/**
 * Runs `work` seeing every organization's rows. For the few readers that act across tenants
 * by design (the worker's jobs, the support console, an invitation's link): each names why,
 * and each entry is logged.
 */
export function withAllOrganizations<T>(
  reason: string,
  work: () => PromiseLike<T>,
  fields: Record<string, unknown> = {},
): Promise<T> {
  log.debug({ tenantBypass: reason, ...fields }, "every organization's rows");
  return inScope({ organizationId: null, userId: null, bypass: reason }, work);
}

// Its own object, told apart by identity: a scope no caller can build by accident. One per process,
// like the store: the pool of one copy must know the mark another copy's session read set.
const CONNECTION_AS_LEFT: TenantScope = (globalForScopes.banklineConnectionAsLeft ??= Object.freeze({
  organizationId: null,
  userId: null,
  bypass: null,
}));

/**
 * Runs `work`, whose statements read no table under row-level security, on whichever connection
 * is free, in the scope it was left in: no round trip to set one. For the session read that starts
 * every request (Session and User carry no policy; the memberships come through
 * `session_memberships`, which reads the token's person's only), so that a request switches its
 * connection once, to its organization, instead of twice.
 */
export function withoutTenantRows<T>(work: () => PromiseLike<T>): Promise<T> {
  return inScope(CONNECTION_AS_LEFT, work);
}

export function currentScope(): TenantScope | undefined {
  return scopes.getStore();
}

const keyOf = (s: TenantScope) => `${s.bypass ? "*" : ""}|${s.organizationId ?? ""}|${s.userId ?? ""}`;
type ScopedClient = pg.PoolClient & { banklineTenantKey?: string };

async function applyScope(client: ScopedClient, scope: TenantScope) {
  const key = keyOf(scope);
  if (client.banklineTenantKey === key) return;
  await client.query(
    "SELECT set_config('app.organization_id', $1, false), set_config('app.user_id', $2, false), " +
      "set_config('app.tenant_bypass', $3, false)",
    [scope.organizationId ?? "", scope.userId ?? "", scope.bypass ? "on" : "off"],
  );
  client.banklineTenantKey = key;
  scopeSwitches++;
}

let scopeSwitches = 0;
/** How many times a connection was set to another scope (for the cost measurement). */
export const scopeSwitchCount = () => scopeSwitches;

/**
 * The scope a statement set on its own connection (set_config in its SELECT list), as read from its
 * rows, or null when it set none. Only the values set_config returned: the settings as they now are.
 */
export type ScopeSetByStatement<Row> = (rows: Row[]) => TenantScope | null;

/** The scope a statement set with set_config(…, false) for all three settings, from the values they returned. */
export function scopeFromSettings(settings: {
  organizationId: string | null;
  userId: string | null;
  bypass: string | null;
}): TenantScope | null {
  const { organizationId, userId, bypass } = settings;
  if (organizationId === null && userId === null && bypass === null) return null;
  // All three or none: anything else leaves the connection in a state the pool cannot name.
  if (organizationId === null || userId === null || bypass !== "off") {
    throw new Error("a statement set part of its connection's tenant scope");
  }
  return { organizationId: organizationId || null, userId: userId || null, bypass: null };
}

/** A pg pool whose connections carry the caller's tenant scope; `outside` is the scope of code in none. */
export class TenantPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly outside: TenantScope = NOBODY,
  ) {
    super(config);
  }

  // pg's own Pool#query and the Prisma adapter both take connections here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override connect(callback?: any): any {
    const scope = scopes.getStore() ?? this.outside;
    const asLeft = scope === CONNECTION_AS_LEFT;
    if (!asLeft) this.preferIdleIn(keyOf(scope));
    const connected = (super.connect() as Promise<ScopedClient>).then(async (client) => {
      try {
        if (!asLeft) await applyScope(client, scope);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      return client;
    });
    if (!callback) return connected;
    connected.then(
      (client) => callback(undefined, client, (err?: Error) => client.release(err)),
      (err) => callback(err),
    );
  }

  /**
   * pg-pool hands out the idle connection it holds last: put one already set to this scope
   * there, so a busy organization's requests mostly find their connection as they left it.
   */
  private preferIdleIn(key: string) {
    const idle = (this as unknown as { _idle?: { client: ScopedClient }[] })._idle;
    if (!Array.isArray(idle) || idle.length < 2) return;
    // Stable: the matching ones go last, in their order (a request's parallel queries take several).
    const others = idle.filter((item) => item.client.banklineTenantKey !== key);
    if (others.length === 0 || others.length === idle.length) return;
    const matching = idle.filter((item) => item.client.banklineTenantKey === key);
    idle.splice(0, idle.length, ...others, ...matching);
  }

  /**
   * One statement that sets its own connection's tenant scope as it runs (the session read sets the
   * person's only organization, so that the request's own statements find the connection set:
   * docs/security.md). The connection is taken as any query takes it (in the caller's scope), and the
   * scope the statement set is recorded on it, so the next hand-out switches exactly when it differs.
   * On any error the connection is retired: what the statement left set is then not known.
   */
  async querySettingScope<Row>(config: pg.QueryConfig, scopeSet: ScopeSetByStatement<Row>): Promise<Row[]> {
    const client = (await this.connect()) as ScopedClient;
    try {
      const result = await client.query(config);
      const scope = scopeSet(result.rows as Row[]);
      if (scope) client.banklineTenantKey = keyOf(scope);
      client.release();
      return result.rows as Row[];
    } catch (err) {
      client.release(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (typeof values === "function") [values, callback] = [undefined, values];
    const run = (async () => {
      const client = (await this.connect()) as pg.PoolClient;
      try {
        const result = await client.query(config, values);
        client.release();
        return result;
      } catch (err) {
        // A statement's error leaves the connection sound; anything else retires it.
        client.release(err instanceof pg.DatabaseError ? undefined : (err as Error));
        throw err;
      }
    })();
    if (!callback) return run;
    run.then(
      (result) => callback(undefined, result),
      (err) => callback(err),
    );
  }
}

export const OUTSIDE_NOBODY = NOBODY;
export const outsideAll = (reason: string): TenantScope => ({ organizationId: null, userId: null, bypass: reason });
