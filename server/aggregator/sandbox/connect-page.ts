import type { IncomingMessage, ServerResponse } from "node:http";
import type { WireAccount, WireMfaQuestion } from "@/server/aggregator/client/wire";
import { searchCatalog, type CatalogInstitution } from "./catalog";
import type { ConnectSession, ConnectSessions } from "./connect-sessions";
import { SandboxError } from "./engine";

// The hosted Connect page under /connect/<session>: the aggregator's own page where a person
// finds the bank, signs in, answers the security questions and picks the accounts to share,
// so Bankline never sees a credential. One step per page, plain HTML forms that post and
// redirect (no script, no cookie: the session id in the path is the key), real labels for
// suites to drive it by. It may be shown in another site's frame or in a popup. The last page
// waits for a click on "Return to Bankline" rather than leaving by itself: a page that moves
// on after a delay fails people who read slowly (WCAG 2.2.1).
// Passwords and answers are never echoed or logged.

const SEARCH_RESULTS = 20;

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // Any site may frame the page (Bankline embeds it); nothing loads from elsewhere.
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors *",
  // The path is the session's key: never pass it on to the next site.
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(title: string, body: string): string {
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} – Sandbox Connect</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:1.5rem auto;padding:0 1rem;color:#1f2937}
header{border-bottom:3px solid #4338ca;margin-bottom:1.25rem;
display:flex;justify-content:space-between;align-items:center}
header p{margin:.5rem 0;font-weight:600;color:#4338ca}h1{font-size:1.35rem}
label{display:block;margin:.75rem 0 .25rem}
input[type=text],input[type=password],input[type=search]{padding:.4rem;width:100%;max-width:20rem}
fieldset{border:1px solid #d1d5db;padding:.5rem 1rem}fieldset label{margin:.4rem 0}
button{margin-top:1rem;padding:.5rem 1rem;background:#4338ca;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#4338ca;border:1px solid #4338ca}
a.button{display:inline-block;padding:.5rem 1rem;background:#4338ca;color:#fff;border-radius:4px;text-decoration:none}
ul.results{list-style:none;padding:0}
ul.results button{display:block;width:100%;text-align:left;margin:.4rem 0;background:#eef2ff;color:#1f2937}
.error{background:#fee2e2;border:1px solid #dc2626;padding:.75rem;margin:1rem 0}
.ok{background:#dcfce7;border:1px solid #16a34a;padding:.75rem;margin:1rem 0}
small{color:#6b7280}
</style></head><body><header><p>Sandbox Connect</p></header><main>${body}</main>
<footer><p><small>A sandbox aggregator: fictional banks, no real money. ` +
    `Test logins are listed in Bankline's README.</small></p></footer></body></html>`
  );
}

const variantName = (inst: CatalogInstitution) => (inst.variant === "business" ? "Business" : "Personal");

/** The problem of a failed try in plain words, with the aggregator's code. */
function problemText(problem: { code: number | null; message: string }, bank: string): string {
  const { code } = problem;
  if (code === null) return problem.message;
  let sentence: string;
  if (code === 103) {
    sentence =
      `${bank} did not accept that username and password. ` +
      "Check them, and that this is the right bank (personal or business), then try again.";
  } else if (code === 108) {
    sentence =
      `${bank} needs you to act on its own website first (for example, to accept new terms). ` +
      "Sign in there, then try again.";
  } else if (code === 109) {
    sentence = `${bank} needs you to change your password on its own website. Then sign in here with the new password.`;
  } else if (code === 185 || code === 331) {
    sentence = "The security question was not answered in time. Sign in again to get a new one.";
  } else if (code === 325) {
    sentence = `${bank} is still retrieving your accounts. Try again in a minute.`;
  } else if (code === 945) {
    sentence = `${bank} moved to a new connection. Remove this bank in Bankline and add it again.`;
  } else if (code === 946) {
    sentence = `${bank} can no longer find this account.`;
  } else if (code === 102 || (code >= 900 && code <= 910)) {
    sentence = `${bank} is not answering right now. Try again later.`;
  } else {
    sentence = problem.message;
  }
  return `Error ${code}: ${sentence}`;
}

const alert = (text: string) => `<p class="error" role="alert" data-testid="connect-error">${escapeHtml(text)}</p>`;

export class ConnectPage {
  constructor(private readonly sessions: ConnectSessions) {}

  /** Handles /connect/…; false when the path is not the page's. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, readBody: () => Promise<string>): Promise<boolean> {
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts[0] !== "connect") return false;
    const s = parts[1] ? this.sessions.get(parts[1]) : null;
    if (!s) {
      this.send(
        res,
        404,
        page("Session ended", `<h1>This page has expired</h1><p>Go back to Bankline and start again.</p>`),
      );
      return true;
    }
    const action = parts[2] ?? "";
    const self = `/connect/${s.id}`;

    if (req.method === "GET" && action === "") {
      this.send(res, 200, this.render(s, url.searchParams.get("search") ?? ""));
      return true;
    }
    if (req.method !== "POST" || parts.length !== 3) {
      this.send(res, 404, page("Not found", "<h1>Not found</h1>"));
      return true;
    }
    const form = new URLSearchParams(await readBody());
    if (action === "exit") {
      this.sessions.exit(s);
      return this.redirect(
        res,
        s.step.kind === "done" ? this.sessions.returnUrl(s, "completed") : this.sessions.returnUrl(s, "cancelled"),
      );
    }
    // A form from an earlier step (a double click, the back button) only shows where things stand.
    if (form.get("step") !== String(s.seq)) return this.redirect(res, self);
    switch (action) {
      case "institution":
        this.sessions.chooseInstitution(s, form.get("institutionId") ?? "");
        break;
      case "back":
        this.sessions.backToSearch(s);
        break;
      case "sign-in": {
        const username = (form.get("username") ?? "").trim();
        const password = form.get("password") ?? "";
        if (!username || !password || username.length > 200 || password.length > 200) {
          s.problem = { code: null, message: "Enter your username and password." };
          break;
        }
        this.sessions.signIn(s, { username, password });
        break;
      }
      case "answer": {
        const answer = form.get("answer") ?? "";
        if (!answer.trim() || answer.length > 500) {
          s.problem = { code: null, message: "Enter an answer to the question." };
          break;
        }
        this.sessions.answer(s, answer);
        break;
      }
      case "accounts":
        this.sessions.share(s, form.getAll("accountId"));
        break;
      default:
        this.send(res, 404, page("Not found", "<h1>Not found</h1>"));
        return true;
    }
    return this.redirect(res, self);
  }

  private render(s: ConnectSession, search: string): string {
    const inst = this.sessions.institution(s);
    const bank = inst?.name ?? "your bank";
    const problem = this.sessions.takeProblem(s);
    const error = problem ? alert(problemText(problem, bank)) : "";
    const self = `/connect/${s.id}`;
    const step = `<input type="hidden" name="step" value="${s.seq}">`;
    const exit =
      `<form method="post" action="${self}/exit">` + `<button type="submit" class="secondary">Exit</button></form>`;

    switch (s.step.kind) {
      case "search": {
        const found = search.trim() ? searchCatalog({ search }) : [];
        const buttons = found
          .slice(0, SEARCH_RESULTS)
          .map(
            (i) =>
              `<li><button type="submit" name="institutionId" value="${escapeHtml(i.id)}">` +
              `${escapeHtml(i.name)} · ${variantName(i)} · ${escapeHtml(i.loginUrl)}</button></li>`,
          )
          .join("");
        const more =
          found.length > SEARCH_RESULTS
            ? `<p><small>Showing the first ${SEARCH_RESULTS}; type more of the name.</small></p>`
            : "";
        const results = !search.trim()
          ? ""
          : found.length === 0
            ? `<p data-testid="connect-no-results">No bank matches “${escapeHtml(search)}”. Try another name.</p>`
            : `<form method="post" action="${self}/institution">${step}
<h2>Results</h2><ul class="results">${buttons}</ul>${more}</form>`;
        const searchField =
          `<input type="search" id="search" name="search" value="${escapeHtml(search)}"` +
          ` autocomplete="off" autofocus>`;
        return page(
          "Find your bank",
          `<h1>Connect your bank</h1>${error}
<form method="get" action="${self}" role="search">
<label for="search">Search for your bank</label>${searchField}
<button type="submit">Search</button></form>
${results}${exit}`,
        );
      }
      case "sign-in": {
        const fixing = s.purpose === "fix";
        const username = fixing ? (this.sessions.fixUsername(s) ?? "") : "";
        const back =
          s.searchFirst && !fixing
            ? `<form method="post" action="${self}/back">${step}` +
              `<button type="submit" class="secondary">Choose another bank</button></form>`
            : "";
        const usernameField =
          `<input type="text" id="username" name="username" autocomplete="username" value="${escapeHtml(username)}"` +
          ` required${username ? "" : " autofocus"}>`;
        const passwordField =
          `<input type="password" id="password" name="password" autocomplete="current-password"` +
          ` required${username ? " autofocus" : ""}>`;
        return page(
          fixing ? `Fix the connection to ${bank}` : `Sign in to ${bank}`,
          `<h1>${escapeHtml(fixing ? `Fix the connection to ${bank}` : `Sign in to ${bank}`)}</h1>
${inst ? `<p><small>${variantName(inst)} · ${escapeHtml(inst.loginUrl)}</small></p>` : ""}
<p>Sign in with the username and password you use at ${escapeHtml(bank)}. Bankline never sees them.</p>${error}
<form method="post" action="${self}/sign-in">${step}
<label for="username">Username</label>${usernameField}
<label for="password">Password</label>${passwordField}
<button type="submit">Connect</button></form>
${back}${exit}`,
        );
      }
      case "question": {
        const q = s.step;
        const wrong = q.wrongAnswer && !problem ? alert("That answer was not accepted. Try again.") : "";
        // Shown once: a reload after a wrong answer asks plainly.
        q.wrongAnswer = false;
        return page(
          "Security question",
          `<h1>${escapeHtml(bank)} asks a security question</h1>
<p data-testid="connect-progress">Question ${q.progress.current} of ${q.progress.total}</p>${error}${wrong}
<form method="post" action="${self}/answer">${step}
${questionField(q.question)}
<button type="submit">Submit answer</button></form>
${exit}`,
        );
      }
      case "accounts": {
        let accounts: WireAccount[] = [];
        let unreadable = "";
        try {
          accounts = this.sessions.accounts(s);
        } catch (err) {
          if (!(err instanceof SandboxError)) throw err;
          unreadable = alert(problemText({ code: err.code, message: err.message }, bank));
        }
        return page(
          "Choose accounts",
          `<h1>Choose the accounts to share</h1>
<p>${escapeHtml(bank)} has these accounts. Bankline will see only the ones you share.</p>${error}${unreadable}
<form method="post" action="${self}/accounts">${step}
<fieldset><legend>Accounts at ${escapeHtml(bank)}</legend>
${accounts
  .map(
    (a, i) =>
      `<label><input type="checkbox" id="account-${i}" name="accountId" value="${escapeHtml(a.id)}" checked> ` +
      `${escapeHtml(a.name)} (ending ${escapeHtml(a.mask)})</label>`,
  )
  .join("\n")}
</fieldset>
<button type="submit">Share accounts</button></form>
${exit}`,
        );
      }
      case "done": {
        const back = this.sessions.returnUrl(s, "completed");
        const heading = s.purpose === "fix" ? "Connection fixed" : "You're connected";
        return page(
          heading,
          `<h1>${heading}</h1>
<p class="ok" data-testid="connect-done">${escapeHtml(
            s.step.retrieving
              ? `${bank} is retrieving your accounts. They will appear in Bankline when it has finished.`
              : s.purpose === "fix"
                ? `Bankline can reach ${bank} again.`
                : `Bankline can now retrieve the accounts you shared at ${bank}.`,
          )}</p>
<p><a class="button" href="${escapeHtml(back)}">Return to Bankline</a></p>`,
        );
      }
      case "cancelled":
        return page(
          "Session ended",
          `<h1>You left without connecting</h1>` +
            `<p><a href="${escapeHtml(this.sessions.returnUrl(s, "cancelled"))}">Return to Bankline</a></p>`,
        );
    }
  }

  private send(res: ServerResponse, status: number, html: string) {
    res.writeHead(status, HEADERS).end(html);
  }

  private redirect(res: ServerResponse, location: string): true {
    res.writeHead(303, { location, "cache-control": "no-store", "referrer-policy": "no-referrer" }).end();
    return true;
  }
}

function questionField(q: WireMfaQuestion): string {
  if (q.type === "choice") {
    return `<fieldset><legend>${escapeHtml(q.text)}</legend>
${q.choices
  .map(
    (c, i) =>
      `<label><input type="radio" id="choice-${i}" name="answer" value="${escapeHtml(c)}" required> ` +
      `${escapeHtml(c)}</label>`,
  )
  .join("\n")}
</fieldset>`;
  }
  return (
    `<label for="answer">${escapeHtml(q.text)}</label>` +
    `<input type="text" id="answer" name="answer" autocomplete="off" required autofocus>`
  );
}
