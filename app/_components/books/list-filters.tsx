"use client";

import { useEffect, useState, type ReactNode } from "react";

export interface Filters {
  from: string;
  to: string;
  text: string;
}

export const noFilters: Filters = { from: "", to: "", text: "" };

/** Date range and search text for the feed and the register; typing settles before it searches. */
export function ListFilters({
  value,
  onChange,
  searchLabel,
  children,
}: {
  value: Filters;
  onChange: (filters: Filters) => void;
  searchLabel: string;
  children?: ReactNode;
}) {
  const [text, setText] = useState(value.text);
  useEffect(() => {
    if (text === value.text) return;
    const timer = setTimeout(() => onChange({ ...value, text }), 300);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);

  return (
    <div role="group" aria-label="Filters" className="flex flex-wrap items-end gap-3">
      {children}
      <div>
        <label htmlFor="filter-from" className="label">
          From
        </label>
        <input
          id="filter-from"
          type="date"
          className="field"
          value={value.from}
          max={value.to || undefined}
          onChange={(e) => onChange({ ...value, from: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor="filter-to" className="label">
          To
        </label>
        <input
          id="filter-to"
          type="date"
          className="field"
          value={value.to}
          min={value.from || undefined}
          onChange={(e) => onChange({ ...value, to: e.target.value })}
        />
      </div>
      <div className="min-w-48 flex-1">
        <label htmlFor="filter-text" className="label">
          {searchLabel}
        </label>
        <input
          id="filter-text"
          type="search"
          className="field"
          placeholder="Description or amount"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {(value.from || value.to || value.text) && (
        <button
          type="button"
          className="btn-secondary"
          onClick={() => {
            setText("");
            onChange(noFilters);
          }}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
