"use client";

const MIN = 12;

/** New password and its repetition; the server checks the list of common passwords. */
export function NewPasswordFields({ label = "New password" }: { label?: string }) {
  return (
    <>
      <div>
        <label htmlFor="new-password" className="label">
          {label}
        </label>
        <input
          id="new-password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={MIN}
          required
          aria-describedby="new-password-hint"
          className="field"
        />
        <p id="new-password-hint" className="mt-1 text-xs text-ink-muted">
          At least {MIN} characters, and not a common password.
        </p>
      </div>
      <div>
        <label htmlFor="repeat-password" className="label">
          Repeat the password
        </label>
        <input
          id="repeat-password"
          name="repeatPassword"
          type="password"
          autoComplete="new-password"
          required
          className="field"
        />
      </div>
    </>
  );
}

export function readNewPassword(form: FormData, setError: (message: string) => void): string | null {
  const password = String(form.get("newPassword") ?? "");
  if (password.length < MIN) return (setError(`Use at least ${MIN} characters.`), null);
  if (password !== String(form.get("repeatPassword") ?? ""))
    return (setError("The two passwords are not the same."), null);
  return password;
}
