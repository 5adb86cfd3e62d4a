/**
 * next-auth's credentials sign-in over HTTP, as the sign-in page posts it: answers the session
 * cookie to send, or the error next-auth gave. For tools that drive a running instance without a
 * browser (the two-instance spec, bench:portal).
 */
export async function signInOverHttp(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ cookie: string | null; error: string | null; status: number }> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
    },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  keep(res);
  const session = [...jar.keys()].find((k) => k.endsWith("next-auth.session-token"));
  const location = res.headers.get("location") ?? ((await res.json().catch(() => ({}))) as { url?: string }).url ?? "";
  return {
    cookie: session ? `${session}=${jar.get(session)}` : null,
    error: new URL(location, baseUrl).searchParams.get("error"),
    status: res.status,
  };
}
