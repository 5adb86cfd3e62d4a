"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { useFocusOnMount } from "./dialog";
import type { AccountChoice, DiscoveredAccount } from "@/server/connections/schemas";
import { formatMoney, maskedNumber } from "./format";

export type { AccountChoice, DiscoveredAccount };

const NEW_REGISTER = "new";

interface Row {
  link: boolean;
  target: string;
  newName: string;
}

/** Which of the accounts the bank showed to link, and the register each one posts to (an existing one or a new one). */
export function AccountChooser({
  orgSlug,
  institutionName,
  accounts,
  headingId,
  pending,
  error,
  onSubmit,
}: {
  orgSlug: string;
  institutionName: string;
  accounts: DiscoveredAccount[];
  headingId: string;
  pending: boolean;
  error: string | null;
  onSubmit: (choices: AccountChoice[]) => void;
}) {
  const trpc = useTRPC();
  const registers = useQuery(trpc.connections.registers.queryOptions({ orgSlug }));
  const [rows, setRows] = useState<Record<string, Row> | null>(null);
  const [noneChosen, setNoneChosen] = useState(false);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const baseId = useId();

  // A register of the same name that no linked account feeds yet is most likely this
  // account's (a bank added again); otherwise a new register, named apart from the others.
  const defaults = (): Record<string, Row> => {
    const taken = new Set(registers.data?.map((r) => r.name.toLowerCase()));
    return Object.fromEntries(
      accounts.map((a) => {
        const free = registers.data?.find(
          (r) => r.name.toLowerCase() === a.name.toLowerCase() && r.linkedAccounts === 0,
        );
        const target = a.register?.id ?? free?.id ?? NEW_REGISTER;
        const newName = taken.has(a.name.toLowerCase()) ? `${a.name} ${maskedNumber(a.mask)}` : a.name;
        if (target === NEW_REGISTER) taken.add(newName.toLowerCase());
        return [a.id, { link: a.linked || !accounts.some((x) => x.linked), target, newName }];
      }),
    );
  };
  const current = rows ?? (registers.data ? defaults() : null);
  const update = (id: string, patch: Partial<Row>) => setRows({ ...current!, [id]: { ...current![id]!, ...patch } });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!current) return;
    if (!accounts.some((a) => current[a.id]!.link)) {
      setNoneChosen(true);
      return;
    }
    setNoneChosen(false);
    onSubmit(
      accounts.map((a) => {
        const row = current[a.id]!;
        const isNew = row.target === NEW_REGISTER;
        return {
          bankAccountId: a.id,
          link: row.link,
          registerId: row.link && !isNew ? row.target : null,
          newRegisterName: row.link && isNew ? row.newName.trim() || a.name : null,
        };
      }),
    );
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-busy={pending}>
      <div className="space-y-1">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-xl font-semibold">
          Choose accounts
        </h2>
        <p className="text-sm text-ink-muted">
          {institutionName} shows {accounts.length} {accounts.length === 1 ? "account" : "accounts"}. Choose the ones to
          bring into Bankline and the register each one posts to. You can create a register here.
        </p>
      </div>
      {!current ? (
        <p role="status" className="text-sm text-ink-muted">
          Loading your registers…
        </p>
      ) : (
        <ul className="space-y-3">
          {accounts.map((a) => {
            const row = current[a.id]!;
            const label = `${a.name} ${maskedNumber(a.mask)}`;
            const ids = {
              link: `${baseId}-link-${a.id}`,
              register: `${baseId}-reg-${a.id}`,
              name: `${baseId}-name-${a.id}`,
            };
            return (
              <li key={a.id} className="rounded-md border border-surface-line p-3">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <label htmlFor={ids.link} className="flex items-center gap-2 font-medium">
                    <input
                      id={ids.link}
                      type="checkbox"
                      checked={row.link}
                      onChange={(e) => update(a.id, { link: e.target.checked })}
                    />
                    <span>Link {label}</span>
                  </label>
                  {a.balanceCents !== null && (
                    <span className="text-sm text-ink-muted">Balance {formatMoney(a.balanceCents, a.currency)}</span>
                  )}
                </div>
                {row.link && (
                  <div className="mt-3 grid gap-3 sm:grid-cols-2">
                    <div>
                      <label htmlFor={ids.register} className="label">
                        Register for {label}
                      </label>
                      <select
                        id={ids.register}
                        className="field"
                        value={row.target}
                        onChange={(e) => update(a.id, { target: e.target.value })}
                      >
                        {registers.data!.map((r) => (
                          <option key={r.id} value={r.id}>
                            {r.linkedAccounts > 0 ? `${r.name} (already fed by a bank account)` : r.name}
                          </option>
                        ))}
                        <option value={NEW_REGISTER}>New register…</option>
                      </select>
                    </div>
                    {row.target === NEW_REGISTER && (
                      <div>
                        <label htmlFor={ids.name} className="label">
                          Name of the new register for {label}
                        </label>
                        <input
                          id={ids.name}
                          className="field"
                          value={row.newName}
                          maxLength={100}
                          onChange={(e) => update(a.id, { newName: e.target.value })}
                        />
                      </div>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {noneChosen && (
        <p role="alert" className="text-sm text-danger">
          Choose at least one account to link.
        </p>
      )}
      {error && (
        <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      {pending && (
        <p role="status" className="text-sm text-ink-muted">
          Saving your choice…
        </p>
      )}
      <button type="submit" className="btn-primary" disabled={pending || !current}>
        Link accounts and retrieve transactions
      </button>
    </form>
  );
}
