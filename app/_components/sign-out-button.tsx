"use client";

// Signs out as next-auth/react's signOut does (its CSRF token, then a POST to its sign-out
// route, which ends the database session), without shipping next-auth's client to every page.
async function signOut(callbackUrl: string) {
  const { csrfToken } = (await (await fetch("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await fetch("/api/auth/signout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl, json: "true" }),
  });
  const { url } = (await res.json().catch(() => ({}))) as { url?: string };
  window.location.href = url ?? callbackUrl;
}

export function SignOutButton({ className = "btn-secondary" }: { className?: string }) {
  return (
    <button type="button" className={className} onClick={() => void signOut("/sign-in")}>
      Sign out
    </button>
  );
}
