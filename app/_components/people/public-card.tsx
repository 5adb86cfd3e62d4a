import type { ReactNode } from "react";

/** The frame of the pages a person sees before signing in (sign-in, reset, invitation). */
export function PublicCard({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="card w-full max-w-sm">
        <p className="mb-1 text-sm font-semibold text-brand-900">Bankline</p>
        <h1 className="mb-1 text-2xl font-semibold text-brand-900">{title}</h1>
        {intro && <div className="mb-6 text-sm text-ink-muted">{intro}</div>}
        {children}
      </div>
    </main>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
      {message}
    </p>
  );
}
