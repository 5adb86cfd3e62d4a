// next-auth's sign-in and sign-out as its browser client does them (its CSRF token, then a form
// POST to its route), without shipping that client (10 kB compressed) to the pages that use them.

async function csrfToken(): Promise<string> {
  const res = await fetch("/api/auth/csrf");
  const { csrfToken: token } = (await res.json()) as { csrfToken: string };
  return token;
}

async function postForm(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "X-Auth-Return-Redirect": "1" },
    body: new URLSearchParams({ ...fields, csrfToken: await csrfToken(), json: "true" }),
  });
}

/** Signs in with email and password: null when signed in, else the error next-auth gave. */
export async function signInWithPassword(email: string, password: string): Promise<string | null> {
  const res = await postForm("/api/auth/callback/credentials", { email, password, callbackUrl: window.location.href });
  const { url } = (await res.json().catch(() => ({}))) as { url?: string };
  const error = url ? new URL(url, window.location.href).searchParams.get("error") : "CredentialsSignin";
  return res.ok && !error ? null : (error ?? "CredentialsSignin");
}

/** Ends the session (next-auth's route ends its database row too), then goes to `callbackUrl`. */
export async function signOut(callbackUrl: string): Promise<void> {
  const res = await postForm("/api/auth/signout", { callbackUrl });
  const { url } = (await res.json().catch(() => ({}))) as { url?: string };
  window.location.href = url ?? callbackUrl;
}
