// Time spent in each regime cell: sessions and share, one column per strategy.

import { CELL_COLORS } from "../charts.js";
import { h, scroller } from "../dom.js";
import { CELL_NAMES, num } from "../format.js";

// counts: {label: {"1": sessions, ...}}
export function regimeTable(counts) {
  const labels = Object.keys(counts);
  const totals = Object.fromEntries(labels.map((l) => [l, Object.values(counts[l]).reduce((a, b) => a + b, 0)]));
  const rows = Object.entries(CELL_NAMES).map(([cell, name]) => h("tr", {},
    h("th", { scope: "row" }, h("i", { class: "cell-dot", style: `background:${CELL_COLORS[cell]}` }), `${cell} ${name}`),
    labels.map((l) => {
      const n = counts[l][cell] || 0;
      return h("td", { class: "num" }, `${n} · ${totals[l] ? num((n / totals[l]) * 100) : "0.00"} %`);
    })));
  return scroller(h("table", { class: "regimes", id: "regime-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Cell"), labels.map((l) => h("th", { class: "num" }, `${l} sessions · share`)))),
    h("tbody", {}, rows)));
}
