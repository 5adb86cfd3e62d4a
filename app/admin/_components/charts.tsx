import { DataTable, type Column } from "@/app/_components/data-table";
import { categories, type CategoryKey } from "./format";

// Plain SVG charts: stacked bars of outcomes. Each chart has a text summary for screen
// readers and its numbers in a table under a disclosure.

type Counts = Record<CategoryKey, number>;

function Legend() {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-ink-muted" aria-label="Legend">
      {categories.map((c) => (
        <li key={c.key} className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm" style={{ background: c.color }} />
          {c.label}
        </li>
      ))}
    </ul>
  );
}

const total = (c: Counts) => c.success + c.provider + c.customer + c.other;

type Period = { label: string } & Counts;

const periodColumns: Column<Period>[] = [
  { header: "Period", rowHeader: true, cell: (p) => p.label },
  ...categories.map((c): Column<Period> => ({ header: c.label, cell: (p) => p[c.key], numeric: true })),
];

/** Vertical stacked bars, one per period (day or hour). */
export function OutcomesOverTime({ title, points }: { title: string; points: Period[] }) {
  const max = Math.max(1, ...points.map(total));
  const width = 640;
  const height = 160;
  const gap = 2;
  const barWidth = Math.max(2, (width - gap * points.length) / Math.max(1, points.length));
  const sums = points.reduce(
    (s, p) => ({
      success: s.success + p.success,
      provider: s.provider + p.provider,
      customer: s.customer + p.customer,
      other: s.other + p.other,
    }),
    { success: 0, provider: 0, customer: 0, other: 0 },
  );
  const summary =
    `${title}: ${sums.success} succeeded, ${sums.provider} failed on the bank or provider side, ` +
    `${sums.customer} needed the customer, ${sums.other} other, over ${points.length} periods.`;
  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${width} ${height + 20}`} className="h-auto w-full" role="img" aria-label={summary}>
        <line x1={0} x2={width} y1={height} y2={height} stroke="#dde3eb" />
        {points.map((p, i) => {
          let y = height;
          const x = i * (barWidth + gap);
          return (
            <g key={p.label}>
              {categories.map((c) => {
                const h = (p[c.key] / max) * (height - 4);
                y -= h;
                return h > 0 ? <rect key={c.key} x={x} y={y} width={barWidth} height={h} fill={c.color} /> : null;
              })}
              {(i === 0 || i === points.length - 1 || i % Math.ceil(points.length / 6) === 0) && (
                <text x={x} y={height + 14} fontSize="10" fill="#5b6677">
                  {p.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="space-y-2">
        <Legend />
        <details className="space-y-2 text-sm">
          <summary className="cursor-pointer text-ink-muted">Show the numbers</summary>
          <DataTable
            caption={title}
            columns={periodColumns}
            rows={points.filter((p) => total(p) > 0)}
            rowKey={(p) => p.label}
          />
        </details>
      </figcaption>
    </figure>
  );
}

/** Horizontal stacked bars, one per institution. */
export function OutcomesByName({ title, rows }: { title: string; rows: ({ name: string } & Counts)[] }) {
  const max = Math.max(1, ...rows.map(total));
  const rowHeight = 22;
  const labelWidth = 220;
  const width = 640;
  const height = rows.length * rowHeight;
  const described = rows.map((r) => `${r.name} ${total(r)} attempts, ${total(r) - r.success} failed`);
  const summary = `${title}: ${described.join("; ")}.`;
  return (
    <figure className="space-y-2">
      <svg
        viewBox={`0 0 ${width} ${Math.max(height, rowHeight)}`}
        className="h-auto w-full"
        role="img"
        aria-label={summary}
      >
        {rows.map((r, i) => {
          let x = labelWidth;
          const y = i * rowHeight;
          return (
            <g key={r.name}>
              <text x={labelWidth - 6} y={y + 15} fontSize="11" textAnchor="end" fill="#1b2330">
                {r.name.length > 34 ? `${r.name.slice(0, 33)}…` : r.name}
              </text>
              {categories.map((c) => {
                const w = (r[c.key] / max) * (width - labelWidth - 40);
                const rect =
                  w > 0 ? <rect key={c.key} x={x} y={y + 4} width={w} height={rowHeight - 8} fill={c.color} /> : null;
                x += w;
                return rect;
              })}
              <text x={x + 4} y={y + 15} fontSize="10" fill="#5b6677">
                {total(r)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <Legend />
      </figcaption>
    </figure>
  );
}
