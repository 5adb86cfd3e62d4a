import { randomBytes } from "node:crypto";
import { connectReturnUrl, WEBHOOK_PATHS } from "@/server/connections/hosted";
import { isAggregatorError } from "./client/errors";
import type { AggregatorClient, ConnectSessionInput, Institution, LoginRef, LoginStatus } from "./client/types";

// `npm run provider:check`: every method of the provider contract once, against the
// configured provider, one line per operation and a summary line. It links and removes a
// login of its own where the provider lets Bankline link (the sandbox's `demo`); with a hosted
// provider it works on the logins the check's customer already has at the provider (a mock
// serves one; at the real provider, link one through Connect first and give its customer).

export interface ProviderCheckOptions {
  /** Search words for the catalog. */
  search: string;
  /** The organization the check acts for (its customer is created, or given below). */
  organizationId: string;
  /** Where Connect sessions would post events and send the browser back. */
  appUrl: string;
  /** The institution to link at with the credential style. */
  linkInstitutionId: string;
  linkUsername: string;
  linkPassword: string;
  /** A login that asks a security question, and the answer. */
  mfaUsername: string;
  mfaAnswer: string;
}

export interface ProviderCheckResult {
  ok: number;
  failed: number;
  lines: string[];
}

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function why(err: unknown): string {
  if (isAggregatorError(err)) return [err.message, err.providerMessage].filter(Boolean).join(" — ");
  return err instanceof Error ? err.message : String(err);
}

export async function runProviderCheck(
  client: AggregatorClient,
  options: ProviderCheckOptions,
  print: (line: string) => void = (line) => console.log(line),
): Promise<ProviderCheckResult> {
  const result: ProviderCheckResult = { ok: 0, failed: 0, lines: [] };
  const report = (line: string) => {
    result.lines.push(line);
    print(line);
  };
  async function step<T>(
    operation: string,
    run: () => Promise<T>,
    detail: (value: T) => string = () => "",
  ): Promise<T | null> {
    try {
      const value = await run();
      const d = detail(value);
      report(`ok ${operation}${d ? ` (${d})` : ""}`);
      result.ok++;
      return value;
    } catch (err) {
      report(`failed ${operation}: ${why(err)}`);
      result.failed++;
      return null;
    }
  }
  const skipped = (operation: string, reason: string) => {
    report(`failed ${operation}: ${reason}`);
    result.failed++;
  };
  const webhookUrl = `${options.appUrl.replace(/\/+$/, "")}${WEBHOOK_PATHS[client.provider] ?? WEBHOOK_PATHS.sandbox}`;
  const reference = `provider-check-${randomBytes(4).toString("hex")}`;
  const session = (purpose: ConnectSessionInput["purpose"], login: LoginRef | null, institutionId: string | null) => ({
    organizationId: options.organizationId,
    organizationName: "Bankline provider check",
    reference,
    purpose,
    institutionId,
    login,
    webhookUrl,
    redirectUrl: connectReturnUrl(options.appUrl, "provider-check", reference),
  });

  const page = await step(
    "searchInstitutions",
    () => client.searchInstitutions({ text: options.search, limit: 5 }),
    (p) => `${p.total} found for "${options.search}"`,
  );
  const first: Institution | undefined =
    page?.institutions.find((i) => i.id === options.linkInstitutionId) ?? page?.institutions[0];
  if (first)
    await step(
      "getInstitution",
      () => client.getInstitution(first.id),
      (i) => `${i.id} ${i.name}, ${i.variant.toLowerCase()}`,
    );
  else skipped("getInstitution", "the search found no institution to read");

  const hosted = client.hostedLinking;
  const credentials = client.credentialLinking;
  if (hosted) {
    await step(
      "createConnectSession",
      () => hosted.createConnectSession(session("link", null, first?.id ?? null)),
      (s) => `expires ${s.expiresAt?.toISOString() ?? "never"}`,
    );
  }

  const logins: LoginRef[] = [];
  if (credentials) {
    const linked = await step(
      "link",
      () =>
        credentials.link({
          organizationId: options.organizationId,
          institutionId: options.linkInstitutionId,
          credentials: { username: options.linkUsername, password: options.linkPassword },
        }),
      (o) => `${o.kind}, status ${o.login.statusCode}`,
    );
    if (linked) logins.push({ loginId: linked.login.loginId, institutionId: linked.login.institutionId });
  }
  let listed: LoginStatus[] | null = null;
  if (hosted)
    listed = await step(
      "listLogins",
      () => hosted.listLogins(options.organizationId),
      (l) => `${l.length} login(s)`,
    );
  if (logins.length === 0 && listed?.[0])
    logins.push({ loginId: listed[0].loginId, institutionId: listed[0].institutionId });

  const login = logins[0];
  const noLogin = "no login at the provider to check it with (link one first)";
  if (!login) {
    for (const op of ["listAccounts", "getLoginStatus", "refresh", "getTransactions", "remove"]) skipped(op, noLogin);
  } else {
    const accounts = await step(
      "listAccounts",
      () => client.listAccounts(login),
      (a) => `${a.length} account(s)`,
    );
    await step(
      "getLoginStatus",
      () => client.getLoginStatus(login),
      (s) => `status ${s.statusCode}`,
    );
    await step(
      "refresh",
      () => client.refresh(login),
      (o) => `${o.kind}, status ${o.login.statusCode}${o.login.aggregating ? ", aggregating" : ""}`,
    );
    const account = accounts?.[0];
    if (account) {
      await step(
        "getTransactions",
        () => client.getTransactions({ ...login, accountId: account.id, from: daysAgo(30), to: today() }),
        (t) => `${t.length} over 30 days, ${t.filter((x) => x.pending).length} pending`,
      );
    } else skipped("getTransactions", "the login has no account to read");
    if (credentials) {
      await step(
        "updateLogin",
        () => credentials.updateLogin(login, { username: options.linkUsername, password: options.linkPassword }),
        (o) => o.kind,
      );
    }
    if (hosted)
      await step("createConnectSession fix", () =>
        hosted.createConnectSession(session("fix", login, login.institutionId)),
      );
    await step("remove", () => client.remove(login));
  }
  if (credentials) {
    const asked = await step(
      "link with a security question",
      () =>
        credentials.link({
          organizationId: options.organizationId,
          institutionId: options.linkInstitutionId,
          credentials: { username: options.mfaUsername, password: options.linkPassword },
        }),
      (o) => o.kind,
    );
    if (asked?.kind === "mfa") {
      const ref = { loginId: asked.login.loginId, institutionId: asked.login.institutionId };
      await step(
        "answerMfa",
        () => credentials.answerMfa(ref, asked.challenge.session, options.mfaAnswer),
        (o) => o.kind,
      );
      await client.remove(ref).catch(() => {});
    } else skipped("answerMfa", "no security question was asked");
  }

  report(`provider:check provider=${client.provider} ok=${result.ok} failed=${result.failed}`);
  return result;
}
