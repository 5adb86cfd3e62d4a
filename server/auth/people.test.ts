import { generateSync } from "otplib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { callerFor, createOrgWithMembers, uniqueSuffix } from "@/server/testing/fixtures";
import { testDb } from "@/server/testing/db";
import { deliverMail } from "@/server/mail/deliver";
import { startSmtpSink, linkIn, type SmtpSink } from "@/server/mail/testing/smtp-sink";
import { smtpTransport, type MailTransport } from "@/server/mail/transport";
import { testMailConfig } from "@/server/jobs/testing/helpers";
import { createLogger } from "@/server/log";
import { acceptInvitation, inviteMember, INVITATION_VALID_MS, viewInvitation } from "@/server/invitations/service";
import { hashPassword } from "./password";
import { passwordProblem } from "./password-policy";
import { requestPasswordReset, resetPassword, RESET_VALID_MS } from "./password-reset";
import { checkSession, endSessionByToken, startSession } from "./sessions";
import { FREE_FAILURES_PER_EMAIL } from "./throttle";
import { confirmEnrollment, startEnrollment, verifySignInCode } from "./two-factor";
import { hashToken } from "./tokens";

// People: sessions in PostgreSQL, two-factor codes, password resets and invitations, with
// their limits (expiry, single use, revocation, throttling), and no token, password or code
// in a table or a log line in clear.

// Every logger the product makes writes here, at the most verbose level.
const lines = vi.hoisted(() => [] as string[]);
vi.mock("@/server/log", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/server/log")>();
  const { Writable: Sink } = await import("node:stream");
  const capture = new Sink({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
  const createLogger: typeof actual.createLogger = (options = {}) =>
    actual.createLogger({ ...options, level: "trace", destination: options.destination ?? capture });
  return { ...actual, createLogger, log: createLogger() };
});
const log = createLogger();
let sink: SmtpSink;
let transport: MailTransport;
const secrets: string[] = [];

beforeAll(async () => {
  sink = await startSmtpSink();
  transport = smtpTransport(sink.url);
});
afterAll(async () => {
  transport.close();
  await sink.stop();
});

async function deliverAllTo(email: string) {
  const rows = await testDb().mailMessage.findMany({
    where: { toEmail: email, status: "PENDING" },
    select: { id: true },
  });
  for (const r of rows) await deliverMail({ db: testDb(), transport, config: testMailConfig, log }, r.id);
  return sink.to(email);
}

async function person(opts: { staff?: boolean; password?: string } = {}) {
  const password = opts.password ?? `Pw-${uniqueSuffix()}-${uniqueSuffix()}`;
  secrets.push(password);
  const user = await testDb().user.create({
    data: {
      email: `p-${uniqueSuffix()}@test.example`,
      name: "Pat Person",
      passwordHash: await hashPassword(password),
      staffRole: opts.staff ? "SUPPORT" : null,
    },
  });
  return { ...user, password };
}

const at = (ms: number) => new Date(Date.now() + ms);

describe("sessions", () => {
  it("ends on sign-out, after the idle limit (30 minutes for staff, 8 hours for customers) and at the absolute limit", async () => {
    const db = testDb();
    const customer = await person();
    const staff = await person({ staff: true });
    const c = await startSession(db, {
      userId: customer.id,
      ipAddress: "198.51.100.1",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36",
    });
    const s = await startSession(db, { userId: staff.id, ipAddress: "198.51.100.2", userAgent: null });
    secrets.push(c.token, s.token);
    expect((await db.session.findUniqueOrThrow({ where: { id: c.sessionId } })).tokenHash).toBe(hashToken(c.token));
    expect((await checkSession(db, c.token)).kind).toBe("active");

    expect((await checkSession(db, c.token, { now: at(31 * 60_000) })).kind).toBe("active");
    expect((await checkSession(db, s.token, { now: at(31 * 60_000) })).kind).toBe("none");
    expect((await db.session.findUniqueOrThrow({ where: { id: s.sessionId } })).endedReason).toBe("idle");
    // Kept busy, a customer's session still ends 12 hours after its sign-in.
    for (const hours of [4, 8, 11.5])
      expect((await checkSession(db, c.token, { now: at(hours * 3_600_000) })).kind).toBe("active");
    expect((await checkSession(db, c.token, { now: at(12 * 3_600_000 + 60_000) })).kind).toBe("none");

    const again = await startSession(db, { userId: customer.id, ipAddress: null, userAgent: null });
    secrets.push(again.token);
    await endSessionByToken(db, again.token, "signed out");
    expect((await checkSession(db, again.token)).kind).toBe("none");
  });

  it("ends every session on another device from the account page, and a removed member loses the organization on the next request", async () => {
    const db = testDb();
    const fx = await createOrgWithMembers(db, "Sessions");
    const a = await startSession(db, {
      userId: fx.users.MEMBER.id,
      ipAddress: "203.0.113.1",
      userAgent: "Mozilla/5.0 (Macintosh) Firefox/133.0",
    });
    const b = await startSession(db, { userId: fx.users.MEMBER.id, ipAddress: "203.0.113.2", userAgent: null });
    secrets.push(a.token, b.token);
    const me = callerFor(db, { ...fx.users.MEMBER, sessionId: a.sessionId });
    const listed = await me.me.sessions();
    expect(listed.map((x) => [x.browser, x.current]).sort()).toEqual([
      ["Firefox 133 on macOS", true],
      ["Unknown browser", false],
    ]);
    expect(await me.me.endOtherSessions()).toEqual({ ended: 1 });
    expect((await checkSession(db, b.token)).kind).toBe("none");
    expect((await checkSession(db, a.token)).kind).toBe("active");

    await expect(me.orgs.get({ orgSlug: fx.org.slug })).resolves.toMatchObject({ role: "MEMBER" });
    const membership = await db.membership.findFirstOrThrow({ where: { userId: fx.users.MEMBER.id } });
    await callerFor(db, fx.users.OWNER, { ipAddress: "203.0.113.7" }).orgs.removeMember({
      orgSlug: fx.org.slug,
      membershipId: membership.id,
    });
    await expect(me.orgs.get({ orgSlug: fx.org.slug })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(
      await db.auditEntry.findFirst({ where: { action: "member.removed", objectId: fx.users.MEMBER.id } }),
    ).toMatchObject({ actorEmail: fx.users.OWNER.email, ipAddress: "203.0.113.7" });
  });
});

describe("two-factor sign-in", () => {
  it("enrolls with one code, then asks for a code at sign-in: each code good once, recovery codes once, wrong codes throttled", async () => {
    const db = testDb();
    const staff = await person({ staff: true });
    const first = await startSession(db, { userId: staff.id, ipAddress: "192.0.2.50", userAgent: null });
    secrets.push(first.token);
    const { secret } = await startEnrollment(db, staff.id);
    secrets.push(secret);
    const actor = { userId: staff.id, email: staff.email, ipAddress: "192.0.2.50" };
    await expect(
      confirmEnrollment(db, { userId: staff.id, sessionId: first.sessionId, code: "000000", actor }),
    ).rejects.toThrow(/not right/);
    const code = generateSync({ secret });
    const { recoveryCodes } = await confirmEnrollment(db, {
      userId: staff.id,
      sessionId: first.sessionId,
      code,
      actor,
    });
    secrets.push(code, ...recoveryCodes);
    expect(recoveryCodes).toHaveLength(10);
    expect(await checkSession(db, first.token)).toMatchObject({ kind: "active", user: { secondFactor: true } });
    expect(await db.auditEntry.count({ where: { action: "twoFactor.enrolled", objectId: staff.id } })).toBe(1);

    const next = await startSession(db, { userId: staff.id, ipAddress: "192.0.2.51", userAgent: null });
    secrets.push(next.token);
    expect((await checkSession(db, next.token)).kind).toBe("code-required");
    const args = { sessionId: next.sessionId, userId: staff.id, ipAddress: "192.0.2.51" };
    // The code that confirmed enrollment was used: it does not open a second session.
    await expect(verifySignInCode(db, { ...args, code })).rejects.toThrow(/not right|already used/);
    await verifySignInCode(db, { ...args, code: recoveryCodes[0]! });
    expect((await checkSession(db, next.token)).kind).toBe("active");

    const third = await startSession(db, { userId: staff.id, ipAddress: "192.0.2.52", userAgent: null });
    secrets.push(third.token);
    const args3 = { sessionId: third.sessionId, userId: staff.id, ipAddress: "192.0.2.52" };
    await expect(verifySignInCode(db, { ...args3, code: recoveryCodes[0]! })).rejects.toThrow(/not right/);
    for (let i = 1; i < FREE_FAILURES_PER_EMAIL; i++)
      await expect(verifySignInCode(db, { ...args3, code: "123456" })).rejects.toThrow(/not right/);
    await expect(verifySignInCode(db, { ...args3, code: recoveryCodes[1]! })).rejects.toThrow(/Too many wrong codes/);
    expect((await checkSession(db, third.token)).kind).toBe("code-required");
    // The code step waits ten minutes at most.
    expect((await checkSession(db, third.token, { now: at(11 * 60_000) })).kind).toBe("none");
  });

  it("keeps staff out of the console until the session has a second factor", async () => {
    const support = { ...(await person({ staff: true })), sessionId: null, secondFactor: false };
    await expect(callerFor(testDb(), support).support.knownIssues()).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: /two-factor/,
    });
    await expect(callerFor(testDb(), { ...support, secondFactor: true }).support.knownIssues()).resolves.toBeDefined();
  });
});

describe("an organization that requires two-factor sign-in", () => {
  it("is set by an owner who uses it, and keeps out members whose session has no second factor", async () => {
    const db = testDb();
    const fx = await createOrgWithMembers(db, "Strict");
    const owner = callerFor(db, fx.users.OWNER);
    await expect(owner.orgs.setTwoFactorRequirement({ orgSlug: fx.org.slug, required: true })).rejects.toThrow(
      /for yourself/,
    );
    const ownerWithCode = callerFor(db, { ...fx.users.OWNER, secondFactor: true }, { ipAddress: "203.0.113.7" });
    await expect(ownerWithCode.orgs.setTwoFactorRequirement({ orgSlug: fx.org.slug, required: true })).resolves.toEqual(
      { required: true },
    );
    await expect(callerFor(db, fx.users.MEMBER).orgs.listMembers({ orgSlug: fx.org.slug })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: /requires two-factor/,
    });
    await expect(
      callerFor(db, { ...fx.users.MEMBER, secondFactor: true }).orgs.listMembers({ orgSlug: fx.org.slug }),
    ).resolves.toHaveLength(4);
    await expect(
      callerFor(db, fx.users.ADMIN).orgs.setTwoFactorRequirement({ orgSlug: fx.org.slug, required: false }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    const viewer = await db.membership.findFirstOrThrow({ where: { userId: fx.users.VIEWER.id } });
    await ownerWithCode.orgs.changeMemberRole({ orgSlug: fx.org.slug, membershipId: viewer.id, role: "MEMBER" });
    const audit = await db.auditEntry.findMany({
      where: { organizationId: fx.org.id },
      select: { action: true, objectId: true, actorEmail: true, ipAddress: true },
    });
    expect(audit).toEqual(
      expect.arrayContaining([
        {
          action: "organization.twoFactorRequired",
          objectId: fx.org.id,
          actorEmail: fx.users.OWNER.email,
          ipAddress: "203.0.113.7",
        },
        {
          action: "member.roleChanged",
          objectId: fx.users.VIEWER.id,
          actorEmail: fx.users.OWNER.email,
          ipAddress: "203.0.113.7",
        },
      ]),
    );
  });
});

describe("password reset", () => {
  it("answers the same for unknown emails, and its link works once, for 30 minutes, ending every session", async () => {
    const db = testDb();
    const user = await person();
    const caller = callerFor(db, null, { ipAddress: "203.0.113.7" });
    const unknown = `nobody-${uniqueSuffix()}@test.example`;
    expect(await caller.auth.requestPasswordReset({ email: unknown })).toEqual({ ok: true });
    expect(await caller.auth.requestPasswordReset({ email: user.email })).toEqual({ ok: true });
    expect(await db.mailMessage.count({ where: { toEmail: unknown } })).toBe(0);
    const signedIn = await startSession(db, { userId: user.id, ipAddress: null, userAgent: null });
    secrets.push(signedIn.token);

    const [mail] = await deliverAllTo(user.email);
    const link = linkIn(mail!, "http://bankline.test/reset-password/");
    const token = link.split("/").pop()!;
    secrets.push(token);
    await expect(caller.auth.resetPassword({ token, password: "password1234" })).rejects.toThrow(/most common/);
    await expect(caller.auth.resetPassword({ token, password: "short" })).rejects.toThrow(/at least 12/);
    const newPassword = `New-${uniqueSuffix()}-${uniqueSuffix()}`;
    secrets.push(newPassword);
    expect(await caller.auth.resetPassword({ token, password: newPassword })).toEqual({ email: user.email });
    expect((await checkSession(db, signedIn.token)).kind).toBe("none");
    await expect(caller.auth.resetPassword({ token, password: `${newPassword}-again` })).rejects.toThrow(
      /already used or has expired/,
    );
    expect(await db.auditEntry.findFirst({ where: { action: "password.reset", objectId: user.id } })).toMatchObject({
      ipAddress: "203.0.113.7",
    });

    await requestPasswordReset(db, { email: user.email, ipAddress: "192.0.2.9" });
    const [, second] = await deliverAllTo(user.email);
    const expiring = linkIn(second!, "http://bankline.test/reset-password/").split("/").pop()!;
    secrets.push(expiring);
    await expect(
      resetPassword(db, {
        token: expiring,
        password: `Later-${uniqueSuffix()}-pw`,
        ipAddress: "x",
        now: at(RESET_VALID_MS + 1000),
      }),
    ).rejects.toThrow(/expired/);
  });

  it("refuses short and common passwords", () => {
    expect(passwordProblem("qwerty123456")).toMatch(/most common/);
    expect(passwordProblem("eleven-char")).toMatch(/at least 12/);
    expect(passwordProblem("a perfectly fine passphrase")).toBeNull();
  });
});

describe("invitations", () => {
  it("invite, resend (the old link dies), accept once as a new person; revoke; expire after 7 days; only an owner invites an owner", async () => {
    const db = testDb();
    const fx = await createOrgWithMembers(db, "Invites");
    const admin = callerFor(db, fx.users.ADMIN);
    const email = `bookkeeper-${uniqueSuffix()}@test.example`;
    await expect(admin.orgs.invite({ orgSlug: fx.org.slug, email, role: "OWNER" })).rejects.toThrow(/Only an owner/);
    const { invitationId } = await admin.orgs.invite({ orgSlug: fx.org.slug, email, role: "MEMBER" });
    await expect(admin.orgs.invite({ orgSlug: fx.org.slug, email, role: "MEMBER" })).rejects.toThrow(/already invited/);
    const [first] = await deliverAllTo(email);
    expect(first!.subject).toBe(`You are invited to ${fx.org.name} on Bankline`);
    const oldToken = linkIn(first!, "http://bankline.test/invitations/").split("/").pop()!;
    await admin.orgs.resendInvitation({ orgSlug: fx.org.slug, invitationId });
    const [, second] = await deliverAllTo(email);
    const token = linkIn(second!, "http://bankline.test/invitations/").split("/").pop()!;
    secrets.push(oldToken, token);
    expect(await viewInvitation(db, oldToken)).toEqual({ state: "closed" });
    expect(await viewInvitation(db, token)).toMatchObject({ state: "open", role: "MEMBER", hasAccount: false });

    const password = `Books-${uniqueSuffix()}-${uniqueSuffix()}`;
    secrets.push(password);
    const caller = callerFor(db, null);
    expect(await caller.auth.acceptInvitation({ token, name: "Bo Keeper", password })).toEqual({
      email,
      orgSlug: fx.org.slug,
      newAccount: true,
    });
    await expect(caller.auth.acceptInvitation({ token, name: "Bo Keeper", password })).rejects.toThrow(
      /already used, revoked or has expired/,
    );
    expect(
      await db.membership.findFirst({ where: { organizationId: fx.org.id, user: { email } }, select: { role: true } }),
    ).toEqual({ role: "MEMBER" });

    const other = `other-${uniqueSuffix()}@test.example`;
    const revoked = await admin.orgs.invite({ orgSlug: fx.org.slug, email: other, role: "VIEWER" });
    const [revokedMail] = await deliverAllTo(other);
    const revokedToken = linkIn(revokedMail!, "http://bankline.test/invitations/").split("/").pop()!;
    secrets.push(revokedToken);
    await admin.orgs.revokeInvitation({ orgSlug: fx.org.slug, invitationId: revoked.invitationId });
    await expect(caller.auth.acceptInvitation({ token: revokedToken, name: "X", password })).rejects.toThrow(/revoked/);

    const late = `late-${uniqueSuffix()}@test.example`;
    await inviteMember(db, {
      organizationId: fx.org.id,
      actorRole: "OWNER",
      actor: { userId: null, email: null, ipAddress: null },
      inviterName: null,
      email: late,
      role: "VIEWER",
    });
    const [lateMail] = await deliverAllTo(late);
    const lateToken = linkIn(lateMail!, "http://bankline.test/invitations/").split("/").pop()!;
    secrets.push(lateToken);
    await expect(
      acceptInvitation(db, {
        token: lateToken,
        name: "L",
        password,
        ipAddress: "x",
        now: at(INVITATION_VALID_MS + 1000),
      }),
    ).rejects.toThrow(/expired/);

    // Someone who already has an account joins with one click.
    const existing = await person();
    const invited = await inviteMember(db, {
      organizationId: fx.org.id,
      actorRole: "ADMIN",
      actor: { userId: null, email: null, ipAddress: null },
      inviterName: "Ada",
      email: existing.email,
      role: "VIEWER",
    });
    const [existingMail] = await deliverAllTo(existing.email);
    const existingToken = linkIn(existingMail!, "http://bankline.test/invitations/").split("/").pop()!;
    secrets.push(existingToken);
    expect(await viewInvitation(db, existingToken)).toMatchObject({ state: "open", hasAccount: true, role: "VIEWER" });
    expect(await caller.auth.acceptInvitation({ token: existingToken })).toEqual({
      email: existing.email,
      orgSlug: fx.org.slug,
      newAccount: false,
    });
    expect(
      await db.membership.findFirst({
        where: { organizationId: fx.org.id, userId: existing.id },
        select: { role: true },
      }),
    ).toEqual({ role: "VIEWER" });
    expect(invited.invitationId).toBeTruthy();

    const actions = (
      await db.auditEntry.findMany({ where: { organizationId: fx.org.id }, select: { action: true } })
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["invitation.sent", "invitation.resent", "invitation.accepted", "invitation.revoked"]),
    );
  });
});

describe("secrets at rest", () => {
  it("no token, password or code appears in any table or captured log line", async () => {
    expect(secrets.length).toBeGreaterThan(20);
    const db = testDb();
    const tables = await db.$queryRawUnsafe<{ name: string }[]>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    let text = "";
    for (const t of tables) {
      const rows = await db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(x)::text AS row FROM "${t.name}" x`);
      text += rows.map((r) => r.row).join("\n");
    }
    const logs = lines.join("");
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(text.includes(secret), `a table holds ${secret.slice(0, 6)}…`).toBe(false);
      expect(logs.includes(secret), `a log line holds ${secret.slice(0, 6)}…`).toBe(false);
    }
  });
});
