import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CATALOG, findInstitution, type CatalogInstitution } from "./catalog";
import type { SandboxEngine } from "./engine";

// The sandbox bank's own website under /bank/…: a person signs in as a test user, accepts
// new terms (clears 108) and changes the password (clears 109; the old password then gives
// 103 and the connection needs Update Login). Plain HTML forms with stable labels and
// data-testid attributes so end-to-end suites can drive them. Passwords are never echoed.

const COOKIE = "sandbox_bank_session";
const SESSION_TTL_MS = 30 * 60_000;

interface BankSession {
  institutionId: string;
  username: string;
  expiresAt: number;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1f2937}
header{border-bottom:3px solid #0f766e;margin-bottom:1.5rem}h1{font-size:1.4rem}
label{display:block;margin:.75rem 0 .25rem}input{padding:.4rem;width:100%;max-width:20rem}
button{margin-top:1rem;padding:.5rem 1rem;background:#0f766e;color:#fff;border:0;border-radius:4px;cursor:pointer}
.notice{background:#fef3c7;border:1px solid #f59e0b;padding:.75rem;margin:1rem 0}
.error{background:#fee2e2;border:1px solid #dc2626;padding:.75rem;margin:1rem 0}
.ok{background:#dcfce7;border:1px solid #16a34a;padding:.75rem;margin:1rem 0}
small{color:#6b7280}
</style></head><body>${body}</body></html>`;
}

function bankHeader(inst: CatalogInstitution) {
  return (
    `<header><h1>${escapeHtml(inst.name)}</h1>` +
    `<p><small>Online banking · ${escapeHtml(inst.loginUrl)} · a sandbox bank, no real money</small></p></header>`
  );
}

/** A labelled input whose id and name are the same. */
function field(id: string, label: string, attributes: string) {
  return `<label for="${id}">${label}</label><input id="${id}" name="${id}" ${attributes} required>`;
}

function loginForm(inst: CatalogInstitution, error?: string, username = "") {
  return page(
    `${inst.name} – Sign in`,
    `${bankHeader(inst)}
${error ? `<p class="error" role="alert" data-testid="bank-error">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/bank/${inst.id}/login" data-testid="bank-login-form">
${field("username", "Username", `autocomplete="username" value="${escapeHtml(username)}"`)}
${field("password", "Password", 'type="password" autocomplete="current-password"')}
<button type="submit">Sign in</button>
</form>`,
  );
}

export class BankSite {
  private sessions = new Map<string, BankSession>();

  constructor(private readonly engine: SandboxEngine) {}

  /** Handles /bank and /bank/…; false when the path is not the site's. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, readBody: () => Promise<string>): Promise<boolean> {
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts[0] !== "bank") return false;
    if (parts.length === 1) {
      this.send(
        res,
        200,
        page(
          "Sandbox banks",
          `<h1>Sandbox banks</h1><ul>` +
            CATALOG.map((i) => `<li><a href="/bank/${i.id}">${escapeHtml(i.name)}</a></li>`).join("") +
            "</ul>",
        ),
      );
      return true;
    }
    const inst = findInstitution(parts[1]!);
    if (!inst) {
      this.send(res, 404, page("Not found", "<h1>No such bank</h1>"));
      return true;
    }
    const action = parts[2] ?? "";
    const session = this.session(req, inst.id);
    const form = req.method === "POST" ? new URLSearchParams(await readBody()) : null;

    if (action === "" && req.method === "GET") {
      if (session) return this.redirect(res, `/bank/${inst.id}/home`);
      this.send(res, 200, loginForm(inst));
      return true;
    }
    if (action === "login" && form) {
      const username = (form.get("username") ?? "").trim();
      if (!this.engine.bankSignIn(inst.id, username, form.get("password") ?? "")) {
        this.send(res, 401, loginForm(inst, "The username or password is not correct.", username));
        return true;
      }
      const token = randomBytes(24).toString("base64url");
      this.sessions.set(token, { institutionId: inst.id, username, expiresAt: Date.now() + SESSION_TTL_MS });
      res.setHeader("set-cookie", `${COOKIE}=${token}; Path=/bank; HttpOnly; SameSite=Lax`);
      return this.redirect(res, `/bank/${inst.id}/home`);
    }
    if (!session) return this.redirect(res, `/bank/${inst.id}`);

    if (action === "home" && req.method === "GET") {
      this.send(res, 200, this.home(inst, session, url.searchParams.get("done")));
      return true;
    }
    if (action === "terms" && form) {
      this.engine.acceptTerms(inst.id, session.username);
      return this.redirect(res, `/bank/${inst.id}/home?done=terms`);
    }
    if (action === "password" && form) {
      const next = form.get("newPassword") ?? "";
      const error =
        next !== (form.get("confirmPassword") ?? "")
          ? "The new passwords do not match."
          : this.engine.changePassword(inst.id, session.username, form.get("currentPassword") ?? "", next);
      if (error) {
        this.send(res, 400, this.home(inst, session, null, error));
        return true;
      }
      return this.redirect(res, `/bank/${inst.id}/home?done=password`);
    }
    if (action === "logout" && form) {
      for (const [token, s] of this.sessions) if (s === session) this.sessions.delete(token);
      return this.redirect(res, `/bank/${inst.id}`);
    }
    this.send(res, 404, page("Not found", "<h1>Not found</h1>"));
    return true;
  }

  private home(inst: CatalogInstitution, session: BankSession, done: string | null, error?: string) {
    const state = this.engine.bankUserState(inst.id, session.username);
    const notices = [
      done === "terms"
        ? `<p class="ok" data-testid="bank-terms-accepted">Thank you. You accepted the new terms.</p>`
        : "",
      done === "password"
        ? '<p class="ok" data-testid="bank-password-changed">Your password was changed. ' +
          "Use the new password from now on, including in apps you connected.</p>"
        : "",
      error ? `<p class="error" role="alert" data-testid="bank-error">${escapeHtml(error)}</p>` : "",
    ].join("");
    const terms = state.termsPending
      ? `<section class="notice" data-testid="bank-terms"><h2>New terms and conditions</h2>
<p>We updated our online banking agreement. Please accept it to keep using online banking and connected apps.</p>
<form method="post" action="/bank/${inst.id}/terms">` +
        '<button type="submit">Accept the new terms</button></form></section>'
      : "";
    const mustChange = state.mustChangePassword
      ? '<p class="notice" data-testid="bank-password-required">' +
        "For your security you must change your password before connected apps can sign in again.</p>"
      : "";
    const signedInAs = `<strong data-testid="bank-username">${escapeHtml(session.username)}</strong>`;
    return page(
      `${inst.name} – Accounts`,
      `${bankHeader(inst)}<p>Signed in as ${signedInAs}</p>
${notices}${terms}${mustChange}
<section data-testid="bank-change-password"><h2>Change password</h2>
<form method="post" action="/bank/${inst.id}/password">
${field("currentPassword", "Current password", 'type="password" autocomplete="current-password"')}
${field("newPassword", "New password", 'type="password" autocomplete="new-password"')}
${field("confirmPassword", "Confirm new password", 'type="password" autocomplete="new-password"')}
<button type="submit">Change password</button></form></section>
<form method="post" action="/bank/${inst.id}/logout"><button type="submit">Sign out</button></form>`,
    );
  }

  private session(req: IncomingMessage, institutionId: string): BankSession | null {
    const token = (req.headers.cookie ?? "")
      .split(";")
      .map((c) => c.trim().split("="))
      .find(([k]) => k === COOKIE)?.[1];
    const s = token ? this.sessions.get(token) : undefined;
    if (!s || s.expiresAt < Date.now()) {
      if (token) this.sessions.delete(token);
      return null;
    }
    return s.institutionId === institutionId ? s : null;
  }

  private send(res: ServerResponse, status: number, html: string) {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
  }

  private redirect(res: ServerResponse, location: string): true {
    res.writeHead(303, { location, "cache-control": "no-store" }).end();
    return true;
  }
}
