// The metric table: one column per strategy, differences against the first, the winner.

import { h, scroller } from "../dom.js";
import { num, pct } from "../format.js";

export const METRICS = [
  { key: "total_return", label: "Total return", fmt: (v) => pct(v), higherIsBetter: true },
  { key: "cagr", label: "CAGR", fmt: (v) => pct(v), higherIsBetter: true },
  { key: "volatility", label: "Volatility", fmt: (v) => pct(v, false), higherIsBetter: false },
  { key: "sharpe_ratio", label: "Sharpe", fmt: (v) => num(v), higherIsBetter: true },
  { key: "sortino_ratio", label: "Sortino", fmt: (v) => num(v), higherIsBetter: true },
  { key: "max_drawdown", label: "Max drawdown", fmt: (v) => pct(v), higherIsBetter: true },
  { key: "calmar_ratio", label: "Calmar", fmt: (v) => num(v), higherIsBetter: true },
];

function diffCell(metric, value) {
  if (value === null || value === undefined) return h("td", { class: "num muted" }, "–");
  value = Math.round(value * 100) / 100 || 0; // what is shown decides the colour (no "-0.00")
  const good = metric.higherIsBetter ? value > 0 : value < 0;
  const text = metric.key.includes("ratio") ? num(value, true) : `${num(value, true)} pp`;
  return h("td", { class: `num diff ${value === 0 ? "" : good ? "up" : "down"}` }, text);
}

// Metrics on which buy-and-hold QQQ did better than every strategy in the table.
export function baselineBeats(columns, baseline) {
  if (!baseline) return [];
  return METRICS.filter((metric) => {
    const b = baseline[metric.key];
    if (b === null || b === undefined) return false;
    return columns.every((c) => {
      const v = c.metrics ? c.metrics[metric.key] : null;
      return v !== null && v !== undefined && (metric.higherIsBetter ? b > v : b < v);
    });
  });
}

// A warning when QQQ held beat every strategy on Sharpe: "winner" is only among strategies.
export function baselineNote(columns, baseline) {
  const beaten = baselineBeats(columns, baseline);
  if (!beaten.some((m) => m.key === "sharpe_ratio")) return null;
  const which = beaten.length === METRICS.length ? "every metric" : beaten.map((m) => m.label).join(", ");
  const who = columns.length > 1 ? "every strategy" : "the strategy";
  return h("div", { class: "notice warn baseline-beats", role: "note" },
    `Buy-and-hold QQQ beat ${who} over these dates on ${which}.`,
    columns.length > 1 ? " The winner is only the best of the strategies." : "");
}

// columns: [{id, label, color, metrics}], diffs: {id: {metric: value}}, winner: id|null
export function metricTable(columns, { diffs = {}, winner = null, baseline = null } = {}) {
  const first = columns[0];
  const others = columns.slice(1);
  const head = h("tr", {},
    h("th", {}, "Metric"),
    columns.map((c) => h("th", { class: `num ${c.id === winner ? "winner" : ""}` },
      h("span", { class: "swatch", style: `background:${c.color}` }), c.label,
      c.id === winner ? h("span", { class: "badge win", title: "Highest Sharpe over the common dates" }, "winner") : null)),
    baseline ? h("th", { class: "num" }, h("span", { class: "swatch dashed" }), "QQQ held",
      baselineBeats(columns, baseline).some((m) => m.key === "sharpe_ratio")
        ? h("span", { class: "badge beats", title: "Higher Sharpe than every strategy" }, "beats all") : null) : null,
    others.map((c) => h("th", { class: "num" }, `Δ ${c.label} − ${first.label}`)));
  const rows = METRICS.map((metric) => h("tr", {},
    h("th", { scope: "row" }, metric.label),
    columns.map((c) => h("td", { class: "num" }, metric.fmt(c.metrics ? c.metrics[metric.key] : null))),
    baseline ? h("td", { class: "num muted" }, metric.fmt(baseline[metric.key])) : null,
    others.map((c) => diffCell(metric, (diffs[c.id] || {})[metric.key]))));
  return scroller(h("table", { class: "metrics" }, h("thead", {}, head), h("tbody", {}, rows)));
}
