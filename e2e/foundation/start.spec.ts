import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { buildIsStale } from "../../scripts/lib/build";
import { DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, demo } from "../support/users";

// `npm start` as a newcomer runs it, with a data directory of its own: embedded PostgreSQL,
// demo data, the sandbox, the worker and the web app; Ctrl-C (SIGINT to the whole process
// group, as a terminal sends it) stops every part, and a second start reuses the data.

const base = Number(process.env.E2E_PORT ?? 3100);
// Clear of fetch's blocked ports (4190 is one), and below the ephemeral range (32768 and up on
// Linux), where any outgoing connection of the run may be holding a fixed port.
const ports = {
  web: base + 90,
  sandbox: base + 1200,
  postgres: base + 1500,
  mailWeb: base + 1300,
  mailSmtp: base + 1400,
};
const appUrl = `http://localhost:${ports.web}`;

interface Started {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npmStart(dataDir: string): Started {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BANKLINE_DATA_DIR: dataDir,
    PORT: String(ports.web),
    SANDBOX_PORT: String(ports.sandbox),
    EMBEDDED_PG_PORT: String(ports.postgres),
    MAIL_CATCHER_PORT: String(ports.mailWeb),
    MAIL_CATCHER_SMTP_PORT: String(ports.mailSmtp),
  };
  for (const name of [
    "LOG_LEVEL",
    "LOG_FORMAT",
    "DATABASE_URL",
    "AGGREGATOR_URL",
    "NODE_ENV",
    "NEXTAUTH_URL",
    "APP_URL",
    "SANDBOX_STATE_FILE",
    "SMTP_URL",
  ])
    delete env[name];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // "close", not "exit": the last lines it printed may still be in the pipe when it exits.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

async function untilReady(started: Started) {
  const deadline = Date.now() + 150_000;
  let exitCode: number | null | undefined;
  void started.exited.then((code) => (exitCode = code));
  while (!started.output().includes("Press Ctrl-C to stop.")) {
    if (exitCode !== undefined) throw new Error(`npm start exited with ${exitCode}:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function interrupt(started: Started) {
  if (started.process.exitCode !== null) return;
  process.kill(-started.process.pid!, "SIGINT");
  const code = await Promise.race([started.exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 30_000))]);
  if (code === "hung") process.kill(-started.process.pid!, "SIGKILL");
  expect(code, started.output()).toBe(0);
}

const portIsOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

async function signInAsOwner(page: Page) {
  await page.goto(`${appUrl}/sign-in`);
  await page.getByLabel("Email").fill(demo.owner);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/riverside\/institutions$/);
}

test("npm start runs the product with demo data, stops cleanly on Ctrl-C and reuses its data", async ({ page }) => {
  test.setTimeout(360_000);
  test.skip(buildIsStale(), "needs the production build the e2e run makes; npm start would build it again");
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "bankline-start-"));
  // As root, PostgreSQL runs as the postgres user, which must reach the data directory.
  await chmod(dataDir, 0o755);
  try {
    const first = npmStart(dataDir);
    try {
      await untilReady(first);
      expect(first.output()).toContain(`Bankline is running at ${appUrl}`);
      for (const email of Object.values(demo)) expect(first.output()).toContain(email);
      expect(first.output()).toContain("seeded demo data with bank connections at the sandbox");
      expect(first.output()).toContain(`Mail: http://localhost:${ports.mailWeb}`);
      expect(first.output()).toContain(DEMO_STAFF_TOTP_SECRET);
      expect(await (await fetch(`http://localhost:${ports.mailWeb}/api/email`)).json()).toBeInstanceOf(Array);
      expect(await (await fetch(`${appUrl}/api/health`)).json()).toMatchObject({ status: "ok" });
      await signInAsOwner(page);
      await expect(page.getByText("Sandbox Bank (Business)").first()).toBeVisible();
    } finally {
      await interrupt(first);
    }
    // A calm terminal: no JSON log lines there; every process's are in its file under .data/logs/.
    expect(first.output()).not.toMatch(/^\{"level"/m);
    const webLog = (await readFile(path.join(dataDir, "logs/web.log"), "utf8"))
      .split("\n")
      .filter((l) => l.startsWith("{"));
    expect(webLog.map((l) => JSON.parse(l).msg)).toContain("signed in");
    expect(first.output()).toContain("[bankline] stopped");
    for (const port of Object.values(ports)) expect(await portIsOpen(port), `port ${port} after Ctrl-C`).toBe(false);

    const second = npmStart(dataDir);
    try {
      await untilReady(second);
      expect(second.output()).toContain("database schema is up to date");
      expect(second.output()).not.toContain("seeded demo data");
      // The same data and secrets: the session of the first run still opens the same connections.
      await page.goto(`${appUrl}/riverside/institutions`);
      await expect(page.getByText("Sandbox Bank (Business)").first()).toBeVisible();
    } finally {
      await interrupt(second);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
