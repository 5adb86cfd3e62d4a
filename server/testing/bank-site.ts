import { inject } from "vitest";

// Drives the sandbox bank's own website (/bank/…) the way a person would: sign in, accept
// terms, change the password. Form posts with the session cookie, no browser needed.

async function signIn(institutionId: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${inject("aggregatorUrl")}/bank/${institutionId}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }),
    redirect: "manual",
  });
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`could not sign in at the sandbox bank as ${username} (${res.status})`);
  return cookie;
}

async function post(institutionId: string, cookie: string, action: string, form: Record<string, string> = {}) {
  const res = await fetch(`${inject("aggregatorUrl")}/bank/${institutionId}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams(form),
    redirect: "manual",
  });
  if (res.status !== 302 && res.status !== 303) throw new Error(`sandbox bank ${action} answered ${res.status}`);
}

export async function acceptTermsAtBank(institutionId: string, username: string, password = "go") {
  await post(institutionId, await signIn(institutionId, username, password), "terms");
}

export async function changePasswordAtBank(institutionId: string, username: string, next: string, current = "go") {
  await post(institutionId, await signIn(institutionId, username, current), "password", {
    currentPassword: current,
    newPassword: next,
    confirmPassword: next,
  });
}

export async function resetBankUser(institutionId: string, username: string) {
  const query = new URLSearchParams({ institutionId, username });
  await fetch(`${inject("aggregatorUrl")}/admin/bank-users?${query}`, { method: "DELETE" });
}
