import "./lib/start-role";
import path from "node:path";
import { dataDirFromEnv } from "@/server/data-dir";
import { validateEnv } from "@/server/env.js";
import { routeProcessLogs } from "@/server/log";
import { demoOrganizations, demoUsers, DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET } from "@/server/demo/seed";
import { buildIfNeeded } from "./lib/build";
import { logFormatFromEnv, LogOutput } from "./lib/log-output";
import { demoSeedAllowed, onShutdownSignal, startStack, type Stack } from "./lib/stack";

// `npm start`: the whole product on this machine. Without DATABASE_URL it runs on an
// embedded PostgreSQL under .data/ and seeds demo data into an empty database. Every process's
// JSON log is kept in .data/logs/; the terminal shows the start, the URLs, warnings and errors
// (LOG_FORMAT=json: every log line as JSON on stdout instead).

const format = logFormatFromEnv();
const logs = new LogOutput(format, format === "json" ? null : path.join(dataDirFromEnv(), "logs"));
routeProcessLogs(logs.destination("start"));
const log = (message: string) => logs.say(`[bankline] ${message}`);

let stack: Stack | undefined;
let stopping = false;

async function shutdown(reason: string) {
  if (stopping) return;
  stopping = true;
  log(`${reason}: stopping…`);
  // Before the stack is up, start-up finishes stopping it (startStack's own clean-up runs
  // when a child it waits for is interrupted too).
  if (stack) await stopAndExit(stack);
}

async function stopAndExit(running: Stack): Promise<never> {
  await running.stop();
  log("stopped");
  await logs.close();
  process.exit(0);
}

async function main() {
  onShutdownSignal((reason) => void shutdown(reason));
  const usesEmbedded = !process.env.DATABASE_URL;
  // An embedded database is a laptop; only a real deployment must bring its own secrets.
  validateEnv(process.env, { runtime: !usesEmbedded });

  await buildIfNeeded(log);

  stack = await startStack({
    webPort: Number(process.env.PORT ?? 3000),
    sandboxPort: Number(process.env.SANDBOX_PORT ?? 4010),
    dataDir: dataDirFromEnv(),
    embeddedPgPort: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
    databaseUrl: process.env.DATABASE_URL,
    seedDemo: demoSeedAllowed(process.env, { embedded: usesEmbedded }),
    log,
    mailCatcher: {
      smtpPort: Number(process.env.MAIL_CATCHER_SMTP_PORT ?? 1025),
      webPort: Number(process.env.MAIL_CATCHER_PORT ?? 1080),
    },
    logs,
  });
  if (stopping) await stopAndExit(stack);

  const orgNames = new Map(demoOrganizations.map((o) => [o.slug, o.name]));
  const aggregatorLine =
    stack.aggregatorProvider === "sandbox"
      ? `Sandbox aggregator: ${stack.aggregatorUrl} (test logins in README.md)`
      : `Aggregator: ${stack.aggregatorProvider} at ${stack.aggregatorUrl}`;
  const mailLine = stack.mailUrl
    ? `Mail: ${stack.mailUrl} (every email Bankline sends is caught there)`
    : "Mail: sent through SMTP_URL";
  const logsLine = logs.dir
    ? `Logs: ${path.relative(process.cwd(), logs.dir) || "."}/ ` +
      "(JSON, one file per process; this terminal shows warnings and errors)"
    : "Logs: JSON on stdout (LOG_FORMAT=json)";
  logs.say(
    `
  Bankline is running at ${stack.appUrl}

  Demo sign-ins (password: ${DEMO_PASSWORD})
${demoUsers
  .map((u) => {
    const what = u.staffRole
      ? u.staffRole === "SUPPORT_ADMIN"
        ? "support admin"
        : "support"
      : (u.memberships ?? []).map((m) => `${m.role.toLowerCase()} of ${orgNames.get(m.org)}`).join(", ");
    return `    ${u.email.padEnd(32)} ${what}`;
  })
  .join("\n")}

  Staff sign in with a second factor too: add this key to an authenticator app
  (or compute codes with it): ${DEMO_STAFF_TOTP_SECRET}

  ${aggregatorLine}
  ${mailLine}
  ${logsLine}
  Press Ctrl-C to stop.
`,
    { appUrl: stack.appUrl, aggregatorUrl: stack.aggregatorUrl, mailUrl: stack.mailUrl },
  );

  const name = await stack.childExited;
  if (!stopping) {
    log(`the ${name} process exited unexpectedly`);
    await stack.stop();
    process.exit(1);
  }
}

main().catch(async (err) => {
  console.error(`[bankline] could not start: ${err instanceof Error ? err.message : String(err)}`);
  await logs.close();
  process.exit(1);
});
