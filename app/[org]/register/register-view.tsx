"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState, type FormEvent } from "react";
import { ListFilters, noFilters, type Filters } from "@/app/_components/books/list-filters";
import { Pager, usePages } from "@/app/_components/books/pager";
import { DataTable, type Column } from "@/app/_components/data-table";
import { MatchedToBank } from "@/app/_components/statements/undo-match";
import { useTRPC } from "@/app/_lib/trpc";
import { formatDay, formatMoney, parseMoney } from "@/app/_lib/money";
import type { RegisterEntry } from "@/server/register/schemas";

const PAGE_SIZE = 50;

function entrySource(row: RegisterEntry): string {
  const by = row.createdByName ? ` by ${row.createdByName}` : "";
  if (row.importedFrom) {
    const from = row.importedFrom;
    return `Imported from ${from.institutionName} · ${from.accountName} ··${from.accountMask}${by}`;
  }
  if (row.source === "MANUAL") return `Added by hand${by}`;
  return row.source === "STATEMENT" ? "From a statement file" : "Imported from the bank feed";
}

const entryColumns = (orgSlug: string, canWrite: boolean): Column<RegisterEntry>[] => [
  { header: "Date", cell: (row) => formatDay(row.date), className: "whitespace-nowrap" },
  {
    header: "Description",
    cell: (row) => (
      <>
        <div>{row.description}</div>
        <div className="text-xs text-ink-muted">
          {entrySource(row)}
          {row.cleared && <span className="ml-2 rounded bg-ok-soft px-1.5 py-0.5 text-ok">Cleared</span>}
        </div>
        {row.matchedTo && (
          <MatchedToBank orgSlug={orgSlug} entryId={row.id} matchedTo={row.matchedTo} canWrite={canWrite} />
        )}
      </>
    ),
  },
  { header: "Check no.", cell: (row) => row.checkNumber ?? "" },
  {
    header: "Amount",
    cell: (row) => formatMoney(row.amountCents),
    numeric: true,
    className: (row) => (row.amountCents < 0 ? "" : "text-ok"),
  },
  { header: "Balance", cell: (row) => formatMoney(row.balanceCents), numeric: true },
];

export function RegisterView({ orgSlug, canWrite }: { orgSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const registers = useQuery(trpc.register.list.queryOptions({ orgSlug }));
  const [chosen, setChosen] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const pages = usePages();
  const { page, reset } = pages;
  const registerId = chosen ?? registers.data?.[0]?.id ?? null;
  const register = registers.data?.find((r) => r.id === registerId) ?? null;
  const entries = useQuery({
    ...trpc.register.entries.queryOptions(
      {
        orgSlug,
        registerId: registerId ?? "",
        from: filters.from || null,
        to: filters.to || null,
        text: filters.text || null,
        page,
        after: pages.after,
        pageSize: PAGE_SIZE,
      },
      { enabled: !!registerId },
    ),
    placeholderData: keepPreviousData,
  });
  const onFilters = useCallback(
    (next: Filters) => {
      setFilters(next);
      reset();
    },
    [reset],
  );

  if (registers.isPending) return <p className="text-ink-muted">Loading registers…</p>;
  if (registers.isError)
    return (
      <p role="alert" className="text-danger">
        {registers.error.message}
      </p>
    );
  if (!register)
    return (
      <p className="card">
        No register yet. Registers are created when you choose where a linked bank account posts, on Manage
        Institutions.
      </p>
    );

  const rows = entries.data?.rows ?? [];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-4">
        <div>
          <label htmlFor="register-choice" className="label">
            Register
          </label>
          <select
            id="register-choice"
            className="field w-auto"
            value={register.id}
            onChange={(e) => {
              setChosen(e.target.value);
              reset();
            }}
          >
            {registers.data.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <p className="text-sm">
          Balance <strong className="tabular-nums">{formatMoney(register.balanceCents)}</strong> ·{" "}
          {register.entryCount.toLocaleString("en-US")} entries
          {register.bankAccounts.length > 0 && (
            <span className="text-ink-muted">
              {" "}
              · fed by {register.bankAccounts.map((a) => `${a.name} ··${a.mask}`).join(", ")}
            </span>
          )}
        </p>
      </div>

      {canWrite && <AddEntryForm orgSlug={orgSlug} registerId={register.id} registerName={register.name} />}

      <ListFilters value={filters} onChange={onFilters} searchLabel="Search the register" />

      <div className="card p-0">
        <DataTable
          caption={`Entries of the register ${register.name}, newest first, with the balance after each`}
          inset
          busy={entries.isFetching}
          columns={entryColumns(orgSlug, canWrite)}
          rows={rows}
          rowKey={(row) => row.id}
          placeholder={
            entries.isPending ? (
              "Loading entries…"
            ) : entries.isError ? (
              <span role="alert" className="text-danger">
                {entries.error.message}
              </span>
            ) : rows.length === 0 ? (
              "No entries here."
            ) : undefined
          }
        />
      </div>

      {entries.data && (
        <Pager
          page={page}
          pageSize={PAGE_SIZE}
          total={entries.data.total}
          noun="entries"
          onPage={(p) => pages.go(p, entries.data?.nextCursor ?? null)}
        />
      )}
    </div>
  );
}

type FieldErrors = Partial<Record<"date" | "description" | "amount" | "checkNumber", string>>;

function AddEntryForm({
  orgSlug,
  registerId,
  registerName,
}: {
  orgSlug: string;
  registerId: string;
  registerName: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<string | null>(null);
  const add = useMutation(
    trpc.register.addEntry.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.register.pathFilter()),
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const date = String(form.get("date") ?? "");
    const description = String(form.get("description") ?? "").trim();
    const cents = parseMoney(String(form.get("amount") ?? ""));
    const checkNumber = String(form.get("checkNumber") ?? "").trim();
    const found: FieldErrors = {};
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) found.date = "Enter the date of the entry.";
    if (!description) found.description = "Enter a description.";
    if (cents === null) found.amount = "Enter an amount like 125.00.";
    else if (cents === 0) found.amount = "Enter an amount other than zero.";
    if (checkNumber && !/^\d{1,10}$/.test(checkNumber)) found.checkNumber = "A check number is 1 to 10 digits.";
    setErrors(found);
    setNotice(null);
    if (Object.keys(found).length > 0) return;
    const amountCents = form.get("kind") === "deposit" ? cents! : -cents!;
    add.mutate(
      { orgSlug, registerId, date, description, amountCents, checkNumber: checkNumber || null },
      {
        onSuccess: (entry) => {
          formElement.reset();
          setNotice(`Added “${entry.description}” (${formatMoney(entry.amountCents)}) to ${registerName}.`);
        },
        onError: (error) => {
          const fields =
            (error.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError
              ?.fieldErrors ?? {};
          setErrors({
            date: fields.date?.[0],
            description: fields.description?.[0],
            amount: fields.amountCents?.[0],
            checkNumber: fields.checkNumber?.[0],
          });
          setNotice(error.message.startsWith("[") ? "Check the entry and try again." : error.message);
        },
      },
    );
  }

  const described = (field: keyof FieldErrors) =>
    errors[field] ? { "aria-invalid": true, "aria-describedby": `entry-${field}-error` } : {};
  const errorOf = (field: keyof FieldErrors) =>
    errors[field] && (
      <p id={`entry-${field}-error`} className="mt-1 text-xs text-danger">
        {errors[field]}
      </p>
    );

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="add-entry-title" className="card space-y-3">
      <h2 id="add-entry-title" className="text-lg font-semibold">
        Add an entry by hand
      </h2>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <div>
          <label htmlFor="entry-date" className="label">
            Date
          </label>
          <input id="entry-date" name="date" type="date" className="field" required {...described("date")} />
          {errorOf("date")}
        </div>
        <div className="lg:col-span-2">
          <label htmlFor="entry-description" className="label">
            Description
          </label>
          <input
            id="entry-description"
            name="description"
            className="field"
            maxLength={200}
            required
            {...described("description")}
          />
          {errorOf("description")}
        </div>
        <div>
          <label htmlFor="entry-kind" className="label">
            Type
          </label>
          <select id="entry-kind" name="kind" className="field" defaultValue="payment">
            <option value="payment">Payment (money out)</option>
            <option value="deposit">Deposit (money in)</option>
          </select>
        </div>
        <div>
          <label htmlFor="entry-amount" className="label">
            Amount
          </label>
          <input
            id="entry-amount"
            name="amount"
            inputMode="decimal"
            className="field"
            placeholder="0.00"
            required
            {...described("amount")}
          />
          {errorOf("amount")}
        </div>
        <div>
          <label htmlFor="entry-check" className="label">
            Check number (optional)
          </label>
          <input
            id="entry-check"
            name="checkNumber"
            inputMode="numeric"
            className="field"
            {...described("checkNumber")}
          />
          {errorOf("checkNumber")}
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add entry"}
        </button>
        <p role="status" aria-live="polite" className={`text-sm ${add.isError ? "text-danger" : "text-ok"}`}>
          {notice}
        </p>
      </div>
    </form>
  );
}
