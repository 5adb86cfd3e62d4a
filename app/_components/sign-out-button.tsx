"use client";

import { signOut } from "@/app/_lib/auth-requests";

export function SignOutButton({ className = "btn-secondary" }: { className?: string }) {
  return (
    <button type="button" className={className} onClick={() => void signOut("/sign-in")}>
      Sign out
    </button>
  );
}
