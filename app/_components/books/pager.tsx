"use client";

import { useCallback, useState } from "react";

/**
 * Where the reader is in a keyset-paged list: the page number shown, and the key the server
 * reads the page from (the last row of the page before), remembered for Previous.
 */
export function usePages() {
  const [state, setState] = useState<{ page: number; anchors: (string | null)[] }>({ page: 1, anchors: [null] });
  return {
    page: state.page,
    after: state.anchors[state.page - 1] ?? null,
    /** To `page`, one step from the current one; `nextCursor` is what the current page returned. */
    go: useCallback(
      (page: number, nextCursor: string | null) =>
        setState((s) => {
          const anchors = s.anchors.slice(0, s.page);
          if (page === s.page + 1) anchors[s.page] = nextCursor;
          return { page, anchors };
        }),
      [],
    ),
    reset: useCallback(() => setState({ page: 1, anchors: [null] }), []),
  };
}

/** Previous / next through a server-paged list, with where the reader is. */
export function Pager({
  page,
  pageSize,
  total,
  noun,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  noun: string;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const range = total === 0 ? `No ${noun}` : `${first}–${last} of ${total.toLocaleString("en-US")} ${noun}`;
  return (
    <nav aria-label={`Pages of ${noun}`} className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-ink-muted">
        {range} · page {page} of {pages}
      </p>
      <div className="flex gap-2">
        <button type="button" className="btn-secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous page
        </button>
        <button type="button" className="btn-secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next page
        </button>
      </div>
    </nav>
  );
}
