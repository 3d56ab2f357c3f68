// Backtests: stored runs (and legacy CSV exports), equity against QQQ, regimes, metrics,
// trade count, time in each regime cell, monthly returns and rolling figures.

import { BASELINE_COLOR, PALETTE, cellLegend, drawdownChart, drawdowns, equityChart, regimeBand } from "../charts.js";
import { h, notice, panel, syntheticLabel } from "../dom.js";
import { num, pct, toSeconds } from "../format.js";
import { load, save } from "../store.js";
import { analysisPanels } from "./analysis.js";
import { baselineNote, metricTable } from "./metrics.js";
import { regimeTable } from "./regimes.js";

function keyOf(info) {
  return `${info.source}:${info.strategy_id || ""}:${info.strategy_class || ""}`;
}

function labelOf(info) {
  const who = info.strategy_id || info.strategy_class;
  const extra = info.synthetic ? " · synthetic data" : "";
  return `${who} · ${info.source} · ${info.start_date} → ${info.end_date}${extra}`;
}

function card(label, value, tone = "") {
  return h("div", { class: "card" }, h("div", { class: "card-label" }, label), h("div", { class: `card-value ${tone}` }, value));
}

export async function renderBacktest(view, ctx) {
  const { strategies: infos } = await ctx.get("/api/backtest/strategies");
  if (!infos.length) {
    view.append(h("div", { class: "view-title" }, h("h1", {}, "Backtest")),
      notice("No backtests yet: run `stratops backtest --db URL`, or point the API at a folder of dashboard CSV exports."));
    return;
  }
  const saved = load("backtest", null);
  const chosen = infos.find((i) => keyOf(i) === saved) || infos.find((i) => i.strategy_id === ctx.selected) || infos[0];
  const select = h("select", { id: "backtest-select", "aria-label": "Backtest",
    onchange: (e) => { save("backtest", e.target.value); ctx.rerender(); } },
    infos.map((i) => h("option", { value: keyOf(i), selected: i === chosen }, labelOf(i))));
  view.append(h("div", { class: "view-title" }, h("h1", {}, "Backtest"), select));
  const body = await ctx.get("/api/backtest/data", {
    strategy_id: chosen.strategy_id, strategy_class: chosen.strategy_id ? null : chosen.strategy_class,
    source: chosen.source, start: ctx.range.start, end: ctx.range.end,
  });
  if (body.info.synthetic) view.append(syntheticLabel("These backtest results"));
  const s = body.series;
  if (!s.date.length) {
    view.append(notice("This backtest has no session in the date range."));
    return;
  }
  const seconds = s.date.map(toSeconds);
  const name = body.info.strategy_id || body.info.strategy_class;
  const lines = [{ label: name, values: s.portfolio_value, color: PALETTE[0] }];
  if (s.baseline_value.some((v) => v !== null)) {
    lines.push({ label: "QQQ", values: s.baseline_value, color: BASELINE_COLOR, dash: true });
  }
  const equityHost = h("div", { class: "chart", id: "backtest-chart" });
  const bands = h("div", { class: "bands" });
  const ddHost = h("div", { class: "chart" });
  const column = [{ id: name, label: name, color: PALETTE[0], metrics: body.metrics }];
  view.append(
    h("div", { class: "cards" },
      card("Alpha vs QQQ (CAGR)", body.alpha === null ? "–" : `${num(body.alpha, true)} pp`, body.alpha > 0 ? "up" : "down"),
      card("Total return", pct(body.metrics.total_return)),
      card("Sharpe", num(body.metrics.sharpe_ratio)),
      card("Max drawdown", pct(body.metrics.max_drawdown)),
      card("Trades", body.trades === null ? "–" : String(body.trades)),
      card("Sessions", String(body.period.trading_days))),
    panel("Equity vs QQQ buy-and-hold", equityHost, bands, cellLegend()),
    panel("Drawdown", ddHost),
    panel("Metrics", baselineNote(column, body.baseline_metrics), metricTable(column, { baseline: body.baseline_metrics })),
    panel("Time in each regime cell", regimeTable({ [name]: body.sessions_by_cell }),
      h("p", { class: "footnote" }, `Trades: ${body.trades ?? "–"} closing fills (${body.fills ?? "–"} fills) over the whole backtest.`)));
  const chart = equityChart(equityHost, seconds, lines, { log: ctx.log });
  regimeBand(bands, chart, name, seconds, s.cell);
  drawdownChart(ddHost, seconds, [{ label: name, values: drawdowns(s.portfolio_value), color: PALETTE[0] }]);
  const fromStart = !ctx.range.start || ctx.range.start <= body.info.start_date;
  analysisPanels(view, s.date, s.portfolio_value, { base: fromStart ? body.initial_capital : null, label: name });
}
