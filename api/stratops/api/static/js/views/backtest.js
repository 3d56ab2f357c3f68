// Backtests: stored runs (and legacy CSV exports), equity against QQQ, regimes, metrics.

import { get } from "../api.js";
import { BASELINE_COLOR, PALETTE, cellLegend, drawdownChart, drawdowns, equityChart, regimeBand } from "../charts.js";
import { h, notice, panel } from "../dom.js";
import { num, pct, toSeconds } from "../format.js";
import { load, save } from "../store.js";
import { metricTable } from "./metrics.js";

function keyOf(info) {
  return `${info.source}:${info.strategy_id || ""}:${info.strategy_class || ""}`;
}

function labelOf(info) {
  const who = info.strategy_id || info.strategy_class;
  const extra = info.synthetic ? " · synthetic data" : "";
  return `${who} · ${info.source} · ${info.start_date} → ${info.end_date}${extra}`;
}

export async function renderBacktest(view, { strategyId, log, rerender }) {
  const { strategies: infos } = await get("/api/backtest/strategies");
  if (!infos.length) {
    view.append(h("div", { class: "view-title" }, h("h1", {}, "Backtest")),
      notice("No backtests yet: run `stratops backtest --db URL`, or point the API at a folder of dashboard CSV exports."));
    return;
  }
  const saved = load("backtest", null);
  const chosen = infos.find((i) => keyOf(i) === saved) || infos.find((i) => i.strategy_id === strategyId) || infos[0];
  const select = h("select", { id: "backtest-select", "aria-label": "Backtest",
    onchange: (e) => { save("backtest", e.target.value); rerender(); } },
    infos.map((i) => h("option", { value: keyOf(i), selected: i === chosen }, labelOf(i))));
  view.append(h("div", { class: "view-title" }, h("h1", {}, "Backtest"), select));
  const body = await get("/api/backtest/data", {
    strategy_id: chosen.strategy_id, strategy_class: chosen.strategy_id ? null : chosen.strategy_class, source: chosen.source,
  });
  if (body.info.synthetic) view.append(notice("Synthetic market data: these numbers describe the generator, not the market.", "warn"));
  const seconds = body.points.map((p) => toSeconds(p.date));
  const name = body.info.strategy_id || body.info.strategy_class;
  const lines = [{ label: name, values: body.points.map((p) => p.portfolio_value), color: PALETTE[0] }];
  if (body.points.some((p) => p.baseline_value !== null)) {
    lines.push({ label: "QQQ", values: body.points.map((p) => p.baseline_value), color: BASELINE_COLOR, dash: true });
  }
  const equityHost = h("div", { class: "chart", id: "backtest-chart" });
  const bands = h("div", { class: "bands" });
  const ddHost = h("div", { class: "chart" });
  view.append(
    h("div", { class: "cards" },
      h("div", { class: "card" }, h("div", { class: "card-label" }, "Alpha vs QQQ (CAGR)"),
        h("div", { class: `card-value ${body.alpha > 0 ? "up" : "down"}` }, body.alpha === null ? "–" : `${num(body.alpha, true)} pp`)),
      h("div", { class: "card" }, h("div", { class: "card-label" }, "Total return"), h("div", { class: "card-value" }, pct(body.metrics.total_return))),
      h("div", { class: "card" }, h("div", { class: "card-label" }, "Sharpe"), h("div", { class: "card-value" }, num(body.metrics.sharpe_ratio))),
      h("div", { class: "card" }, h("div", { class: "card-label" }, "Max drawdown"), h("div", { class: "card-value" }, pct(body.metrics.max_drawdown)))),
    panel("Equity vs QQQ buy-and-hold", equityHost, bands, cellLegend()),
    panel("Drawdown", ddHost),
    panel("Metrics", metricTable([{ id: name, label: name, color: PALETTE[0], metrics: body.metrics }], { baseline: body.baseline_metrics })));
  const chart = equityChart(equityHost, seconds, lines, { log });
  regimeBand(bands, chart, name, seconds, body.points.map((p) => p.cell));
  drawdownChart(ddHost, seconds, [{ label: name, values: drawdowns(lines[0].values), color: PALETTE[0] }]);
}
