// Parameter sweeps: the ranked sets (in- and out-of-sample side by side), a heat map
// when the grid has two parameters, and a chosen set as a TradingStrategy manifest.

import { get } from "../api.js";
import { h, notice, panel } from "../dom.js";
import { dash, num, pct, when } from "../format.js";
import { load, save } from "../store.js";

const PAGE = 1000;

export async function renderSweeps(view, { rerender }) {
  const list = await get("/api/sweeps", { limit: 200 });
  view.append(h("div", { class: "view-title" }, h("h1", {}, "Sweeps")));
  if (!list.sweeps.length) {
    view.append(notice("No sweeps yet. Run `stratops sweep FILE --data-dir DIR` or apply a StrategySweep.", "info"));
    return;
  }
  const keyOf = (s) => `${s.namespace}/${s.name}`;
  const wanted = load("sweep", null);
  const chosen = list.sweeps.find((s) => keyOf(s) === wanted) || list.sweeps[0];
  const select = h("select", { id: "sweep-select", "aria-label": "Sweep",
    onchange: (e) => { save("sweep", e.target.value); rerender(); } },
    list.sweeps.map((s) => h("option", { value: keyOf(s), selected: s === chosen },
      `${keyOf(s)} · ${s.done}/${s.total} sets · ${when(s.created_at)}`)));
  view.querySelector(".view-title").append(select);
  const detail = await get(`/api/sweeps/${chosen.name}`, { namespace: chosen.namespace, limit: PAGE });
  view.append(summaryPanel(detail));
  const heat = heatMap(detail);
  if (heat) view.append(heat);
  const exportHost = h("div", { id: "sweep-export" });
  view.append(rankedPanel(detail, exportHost), exportHost);
}

function summaryPanel(detail) {
  const s = detail.sweep;
  const oos = detail.period.outOfSampleStart;
  const text = [
    `${s.base_strategy} (${s.strategy_class}), ${detail.period.start} .. ${detail.period.end}`,
    oos ? `out of sample from ${oos}` : "no out-of-sample split",
    `ranked by ${s.rank_by} (${s.rank_on})`,
    `${s.done}/${s.total} sets done, ${s.failed} failed`,
  ];
  return panel("Sweep", h("p", { class: "muted", id: "sweep-summary" }, text.join(" · ")));
}

function metricCells(part) {
  const m = part || {};
  return [h("td", { class: "num" }, num(m.sharpe)), h("td", { class: "num" }, pct(m.cagr_pct)),
    h("td", { class: "num" }, pct(m.max_drawdown_pct))];
}

function rankedPanel(detail, exportHost) {
  const names = Object.keys(detail.grid || {});
  const paramText = (p) => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(", ");
  const rows = detail.sets.map((s) => h("tr", { dataset: { index: s.index } },
    h("td", { class: "num" }, s.rank), h("td", { class: "num muted" }, s.index),
    h("td", {}, s.error ? h("span", { class: "side sell", title: s.error }, "failed") : paramText(s.parameters)),
    metricCells(s.in_sample), metricCells(s.out_of_sample),
    h("td", {}, s.error ? dash : h("button", { type: "button", class: "export",
      onclick: () => showManifest(exportHost, detail, s) }, "Export"))));
  const head = ["Rank", "Set", names.length ? names.join(" × ") : "Parameters",
    "IS Sharpe", "IS CAGR", "IS max DD", "OOS Sharpe", "OOS CAGR", "OOS max DD", ""];
  return panel("Ranked sets", h("table", { class: "trades", id: "sweep-table" },
    h("thead", {}, h("tr", {}, head.map((c, i) => h("th", { class: i >= 3 && i < 9 ? "num" : "" }, c)))),
    h("tbody", {}, rows)));
}

function heatMap(detail) {
  const grid = detail.grid || {};
  const names = Object.keys(grid);
  if (names.length !== 2) return null;
  const [rowName, colName] = names;
  const score = new Map(detail.sets.map((s) => [`${s.parameters[rowName]}|${s.parameters[colName]}`, s.score]));
  const values = [...score.values()].filter((v) => v !== null && v !== undefined);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const color = (v) => {
    if (v === null || v === undefined) return "background:#222";
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return `background:hsl(${Math.round(t * 120)}, 55%, ${28 + t * 12}%)`;
  };
  const body = grid[rowName].map((r) => h("tr", {}, h("th", {}, String(r)),
    grid[colName].map((c) => {
      const v = score.get(`${r}|${c}`);
      return h("td", { class: "num heat", style: color(v), title: `${rowName}=${r}, ${colName}=${c}: ${num(v)}` }, num(v));
    })));
  return panel(`Heat map: ${detail.sweep.rank_by} by ${rowName} (rows) and ${colName} (columns)`,
    h("table", { class: "metrics", id: "sweep-heatmap" },
      h("thead", {}, h("tr", {}, h("th", {}, `${rowName} \\ ${colName}`), grid[colName].map((c) => h("th", {}, String(c))))),
      h("tbody", {}, body)));
}

// The manifest a user commits to add the chosen set as a variant (see the README).
export function manifestFor(detail, set) {
  const base = detail.base_spec;
  const name = `${detail.sweep.base_strategy}-s${set.index}`.slice(0, 45).replace(/-+$/, "");
  const spec = { ...base, strategyId: `${base.strategyId}_s${set.index}`.slice(0, 50),
    displayName: `${base.displayName || base.strategyId} (sweep ${detail.sweep.name}, set ${set.index})`,
    primary: false, parameters: { ...base.parameters, ...set.parameters } };
  for (const key of Object.keys(spec)) if (spec[key] === null) delete spec[key];
  return toYaml({ apiVersion: "trading.stratops.dev/v1alpha1", kind: "TradingStrategy", metadata: { name }, spec });
}

function scalar(value) {
  if (typeof value === "string") return /^[A-Za-z_][\w.-]*$/.test(value) && !/^(true|false|null|yes|no|on|off)$/i.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

function toYaml(value, indent = "") {
  return Object.entries(value).map(([key, v]) => {
    if (v && typeof v === "object" && !Array.isArray(v)) return `${indent}${key}:\n${toYaml(v, indent + "  ")}`;
    if (Array.isArray(v)) return `${indent}${key}: [${v.map(scalar).join(", ")}]`;
    return `${indent}${key}: ${scalar(v)}`;
  }).join("\n");
}

function showManifest(host, detail, set) {
  const text = manifestFor(detail, set) + "\n";
  const copy = h("button", { type: "button", onclick: () => navigator.clipboard && navigator.clipboard.writeText(text) }, "Copy");
  host.replaceChildren(panel(`Set ${set.index} as a TradingStrategy manifest`,
    h("p", { class: "muted" }, "Save as manifests/strategies/<name>.yaml, list it in kustomization.yml, open a pull request."),
    copy, h("pre", { id: "sweep-manifest" }, text)));
}
