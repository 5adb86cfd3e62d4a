"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { useFocusOnMount } from "./dialog";
import type { CatalogInstitution } from "@/server/connections/schemas";
import { VariantBadge } from "./variant-badge";

export type { CatalogInstitution };

const SEARCH_DELAY_MS = 250;

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/** Searches the aggregator's catalog as the customer types; each bank shows its variant and login URL. */
export function InstitutionPicker({
  orgSlug,
  headingId,
  initialText = "",
  onPick,
}: {
  orgSlug: string;
  headingId: string;
  initialText?: string;
  onPick: (institution: CatalogInstitution, searchText: string) => void;
}) {
  const trpc = useTRPC();
  const [text, setText] = useState(initialText);
  const query = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const results = useQuery({
    ...trpc.connections.searchInstitutions.queryOptions({ orgSlug, text: query }),
    placeholderData: keepPreviousData,
  });
  const inputRef = useFocusOnMount<HTMLInputElement>();
  const inputId = useId();
  const hintId = useId();

  return (
    <div className="space-y-4">
      <h2 id={headingId} className="text-xl font-semibold">
        Add institution
      </h2>
      <div>
        <label htmlFor={inputId} className="label">
          Search for your bank or credit union
        </label>
        <input
          ref={inputRef}
          id={inputId}
          type="search"
          className="field"
          value={text}
          autoComplete="off"
          aria-describedby={hintId}
          onChange={(e) => setText(e.target.value)}
        />
        <p id={hintId} className="mt-1 text-xs text-ink-muted">
          Many banks have a Personal and a Business side with different sign-in addresses. Pick the one whose address
          you use.
        </p>
      </div>
      <p role="status" className="text-sm text-ink-muted">
        {results.isError
          ? "The catalog could not be searched. Try again in a moment."
          : results.data
            ? `${results.data.length} ${results.data.length === 1 ? "institution" : "institutions"} found`
            : "Searching…"}
      </p>
      {results.data && results.data.length > 0 && (
        <ul aria-label="Institutions" className="max-h-80 space-y-2 overflow-y-auto">
          {results.data.map((institution) => (
            <li key={institution.id}>
              <button
                type="button"
                className={
                  "w-full rounded-md border border-surface-line px-3 py-2 text-left " +
                  "hover:border-brand-500 hover:bg-brand-50"
                }
                onClick={() => onPick(institution, text)}
              >
                <span className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{institution.name}</span>
                  <VariantBadge variant={institution.variant} />
                  {institution.status === "outage" && <span className="text-xs text-warn">connection down</span>}
                </span>
                <span className="block text-sm text-ink-muted">{institution.loginUrl}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
