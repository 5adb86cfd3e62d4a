/** A scored pair: incoming row `row`, existing row `column`, larger `weight` is better. */
export interface Edge {
  row: number;
  column: number;
  weight: number;
}

/**
 * Above this many cost-matrix operations (rows² × columns) a component is assigned greedily instead of
 * optimally. Real feeds stay far below it; it bounds the time on adversarial input (one amount everywhere).
 */
const EXACT_ASSIGNMENT_BUDGET = 40_000_000;

/**
 * One-to-one assignment maximizing the total weight, leaving a row unmatched rather than taking a pair it
 * has no edge for. Rows and columns are indexes in a canonical (content) order chosen by the caller, and
 * every tie is broken by those indexes, so the result never depends on the order rows arrived in.
 * Returns, per row, the chosen column or -1.
 */
export function assignOneToOne(rowCount: number, columnCount: number, edges: readonly Edge[]): Int32Array {
  const chosen = new Int32Array(rowCount).fill(-1);
  for (const component of connectedComponents(rowCount, columnCount, edges)) {
    const rows = component.rows.length;
    const columns = component.columns.length;
    if (rows * rows * (columns + rows) <= EXACT_ASSIGNMENT_BUDGET) assignExactly(component, chosen);
    else assignGreedily(component.edges, chosen);
  }
  return chosen;
}

interface Component {
  rows: number[];
  columns: number[];
  edges: Edge[];
}

function connectedComponents(rowCount: number, columnCount: number, edges: readonly Edge[]): Component[] {
  const parent = new Int32Array(rowCount + columnCount);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (node: number): number => {
    while (parent[node] !== node) {
      parent[node] = parent[parent[node]!]!;
      node = parent[node]!;
    }
    return node;
  };
  for (const edge of edges) {
    const a = find(edge.row);
    const b = find(rowCount + edge.column);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const byRoot = new Map<number, Component>();
  for (const edge of edges) {
    const root = find(edge.row);
    let component = byRoot.get(root);
    if (!component) {
      component = { rows: [], columns: [], edges: [] };
      byRoot.set(root, component);
    }
    component.edges.push(edge);
  }
  for (const component of byRoot.values()) {
    component.rows = [...new Set(component.edges.map((edge) => edge.row))].sort((a, b) => a - b);
    component.columns = [...new Set(component.edges.map((edge) => edge.column))].sort((a, b) => a - b);
  }
  return [...byRoot.values()];
}

// Among equal weights, earlier rows take earlier columns: two identical coffees against one register entry
// leave the later-sorted one new, every time.
function tieBreak(row: number, rows: number, column: number, columns: number): number {
  return (
    1e-7 * ((rows - row) / rows) +
    1e-9 * ((columns - column) / columns) -
    1e-11 * Math.abs(row / rows - column / columns)
  );
}

function assignGreedily(edges: readonly Edge[], chosen: Int32Array): void {
  const sorted = [...edges].sort((a, b) => b.weight - a.weight || a.row - b.row || a.column - b.column);
  const takenColumns = new Set<number>();
  for (const edge of sorted) {
    if (chosen[edge.row] !== -1 || takenColumns.has(edge.column)) continue;
    chosen[edge.row] = edge.column;
    takenColumns.add(edge.column);
  }
}

// Hungarian method (Kuhn–Munkres with potentials) on costs = −weight. Each row also gets its own zero-cost
// "stay unmatched" column, so a pair is taken only when it adds weight.
function assignExactly(component: Component, chosen: Int32Array): void {
  const n = component.rows.length;
  const realColumns = component.columns.length;
  const m = realColumns + n;
  const forbidden = 1e9;
  const rowIndex = new Map(component.rows.map((row, index) => [row, index]));
  const columnIndex = new Map(component.columns.map((column, index) => [column, index]));
  const cost = new Float64Array(n * m).fill(forbidden);
  for (let i = 0; i < n; i++) cost[i * m + realColumns + i] = 0;
  for (const edge of component.edges) {
    const row = rowIndex.get(edge.row)!;
    const column = columnIndex.get(edge.column)!;
    const at = row * m + column;
    cost[at] = Math.min(cost[at]!, -edge.weight - tieBreak(row, n, column, realColumns));
  }

  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      const base = (i0 - 1) * m;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const current = cost[base + j - 1]! - u[i0]! - v[j]!;
        if (current < minv[j]!) {
          minv[j] = current;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  for (let j = 1; j <= realColumns; j++) {
    const i = p[j]!;
    if (i !== 0 && cost[(i - 1) * m + j - 1]! < forbidden / 2)
      chosen[component.rows[i - 1]!] = component.columns[j - 1]!;
  }
}
