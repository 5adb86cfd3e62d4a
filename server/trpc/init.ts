import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { withAllOrganizations, withOrganization, withUser } from "@/server/db/tenancy";
import { DomainError } from "@/server/errors";
import { auditSupportRead } from "@/server/support/read-audit";
import { recordProcedure } from "@/server/metrics/trpc";
import type { Context } from "./context";
import { transformer } from "./transformer";
import {
  orgRoleAllows,
  staffRoleAllows,
  type Access,
  type OrgPermission,
  type OrgRole,
  type StaffPermission,
} from "./permissions";

export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer,
    errorFormatter({ shape, error, ctx }) {
      const cause = error.cause;
      // What went wrong inside (a database error's text, a stack) stays in the log under the
      // request id; the browser gets the id to quote.
      const unexpected = error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof DomainError);
      return {
        ...shape,
        message: unexpected
          ? "Something went wrong on our side. " +
            `If it keeps happening, tell support this reference: ${ctx?.requestId ?? "unknown"}.`
          : shape.message,
        data: {
          ...shape.data,
          stack: undefined,
          requestId: ctx?.requestId ?? null,
          zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
          details: cause instanceof DomainError ? (cause.details ?? null) : null,
        },
      };
    },
  });

export const createRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns service errors into tRPC errors and logs what was not expected. */
const errorsAndLogging = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const durationMs = Math.round(performance.now() - started);
  if (result.ok) {
    ctx.log.debug({ path, type, durationMs }, "procedure ok");
    return result;
  }
  const cause = result.error.cause;
  if (cause instanceof DomainError) {
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (result.error.code === "INTERNAL_SERVER_ERROR") {
    ctx.log.error({ path, type, durationMs, err: result.error.cause ?? result.error }, "procedure failed");
  }
  return result;
});

/** Calls and time by procedure for /api/metrics (outermost, so it sees the error code the client gets). */
const metrics = t.middleware(async ({ path, type, next }) => {
  const started = performance.now();
  const result = await next();
  recordProcedure(path, type, result.ok ? "OK" : result.error.code, started);
  return result;
});

/**
 * A zod schema as tRPC should run it. tRPC prefers a schema's parseAsync, and zod's asynchronous
 * parse skips the code it compiles for each object schema: 58 µs against 7 µs for a 50-row register
 * page (docs/performance.md). None of the app's schemas refines asynchronously, so procedures get
 * the schema itself without its parseAsync: tRPC then takes zod's synchronous parse, with the same
 * ZodError, and whatever reads a procedure's schemas (the authorization test) still finds them.
 */
function parsedSynchronously(parser: unknown): unknown {
  const schema = parser as { parseAsync?: unknown; "~standard"?: { vendor?: string } } | null;
  if (schema?.["~standard"]?.vendor !== "zod" || typeof schema.parseAsync !== "function") return parser;
  return Object.create(schema, { parseAsync: { value: undefined } }) as unknown;
}

const isBuilder = (value: unknown): value is object =>
  typeof value === "object" && value !== null && "_def" in value && typeof Reflect.get(value, "input") === "function";

/** tRPC's procedure builder, each input and output schema run by parsedSynchronously. */
function withSynchronousParsing<B extends object>(builder: B): B {
  return new Proxy(builder, {
    get(target, key) {
      const member: unknown = Reflect.get(target, key);
      if (typeof member !== "function") return member;
      return (...args: unknown[]) => {
        const result: unknown = member.apply(
          target,
          key === "input" || key === "output" ? args.map(parsedSynchronously) : args,
        );
        return isBuilder(result) ? withSynchronousParsing(result) : result;
      };
    },
  });
}

const base = withSynchronousParsing(t.procedure).use(metrics).use(errorsAndLogging);

export const publicProcedure = base.meta({ access: { kind: "public" } });

/** Signed in: what runs next sees the person's own memberships and no organization's rows yet. */
const requireUser = t.middleware(({ ctx, next }) => {
  const user = ctx.user;
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  return withUser(user.id, () => next({ ctx: { user } }));
});

export const signedInProcedure = base.meta({ access: { kind: "signedIn" } }).use(requireUser);

export const orgInput = z.object({ orgSlug: z.string().min(1).max(64) });

/**
 * A procedure for members of the organization named by `orgSlug` whose role has the
 * permission. Puts `ctx.org` and `ctx.role` in place; services must scope every query by
 * `ctx.org.id`.
 */
export function orgProcedure(permission: OrgPermission) {
  return base
    .meta({ access: { kind: "org", permission } })
    .use(requireUser)
    .input(orgInput)
    .use(async ({ ctx, input, next }) => {
      // Read with the session (one statement: server/auth/sessions.ts);
      // callers without one (tests, jobs) read it below.
      const known = ctx.memberships && (ctx.memberships.find((m) => m.organization.slug === input.orgSlug) ?? null);
      const organizationId = ctx.memberships
        ? (known?.organization.id ?? null)
        : await organizationIdOf(ctx.db, input.orgSlug);
      if (!organizationId)
        throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of this organization." });
      // From here on the request sees this organization's rows only (row-level security), the
      // membership check included: one scope per request, so a pooled connection is switched
      // at most once.
      return withOrganization(organizationId, ctx.user.id, async () => {
        const membership =
          known ??
          (await ctx.db.membership.findFirst({
            where: { userId: ctx.user.id, organizationId },
            select: {
              role: true,
              organization: { select: { id: true, slug: true, name: true, requireTwoFactor: true } },
            },
          }));
        if (!membership) {
          throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of this organization." });
        }
        if (membership.organization.requireTwoFactor && !ctx.user.secondFactor) {
          throw new TRPCError({
            code: "FORBIDDEN",
            message: `${membership.organization.name} requires two-factor sign-in: set it up on your account page.`,
          });
        }
        const role = membership.role as OrgRole;
        if (!orgRoleAllows(role, permission)) {
          throw new TRPCError({ code: "FORBIDDEN", message: "Your role in this organization does not allow this." });
        }
        const { id, slug, name } = membership.organization;
        return next({ ctx: { org: { id, slug, name }, role } });
      });
    });
}

/**
 * Organizations' ids by slug, kept a minute (a slug not found is asked again next time): the
 * slug only picks the scope; membership is checked in it on every request.
 */
const organizationIds = new Map<string, { id: string; until: number }>();
async function organizationIdOf(db: Context["db"], slug: string): Promise<string | null> {
  const now = Date.now();
  const known = organizationIds.get(slug);
  if (known && known.until > now) return known.id;
  const org = await db.organization.findUnique({ where: { slug }, select: { id: true } });
  if (!org) return null;
  if (organizationIds.size > 10_000) organizationIds.clear();
  organizationIds.set(slug, { id: org.id, until: now + 60_000 });
  return org.id;
}

/** A procedure for support staff whose staff role has the permission. */
export function staffProcedure(permission: StaffPermission) {
  return base
    .meta({ access: { kind: "staff", permission } })
    .use(requireUser)
    .use(async ({ ctx, path, type, getRawInput, next }) => {
      if (!staffRoleAllows(ctx.user.staffRole, permission)) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message:
            permission === "support.act"
              ? "Only support admins may do this."
              : "This is for Bankline support staff only.",
        });
      }
      // Staff read every organization's bank data: never on a password alone.
      if (!ctx.user.secondFactor) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Set up two-factor sign-in to use the support console." });
      }
      // Support reads every organization's rows, under a bypass named for it; what they read is
      // on the audit log (server/support/read-audit.ts).
      return withAllOrganizations("support console", async () => {
        if (type === "query")
          await auditSupportRead(ctx.db, {
            actor: { userId: ctx.user.id, email: ctx.user.email, ipAddress: ctx.ipAddress },
            path,
            input: await getRawInput(),
          });
        return next({ ctx: { staffRole: ctx.user.staffRole! } });
      });
    });
}
