// Backtests of several strategies on the sessions they all cover: rebased curves,
// regime bands, drawdowns, metrics with differences and winner, trades, regime time.

import { cellLegend, drawdownChart, equityChart, regimeBand } from "../charts.js";
import { h, notice, panel, scroller, syntheticLabel } from "../dom.js";
import { baselineNote, metricTable } from "./metrics.js";
import { overlay, strategyDrawdowns } from "./overlay.js";
import { regimeTable } from "./regimes.js";

export async function renderBacktestCompare(view, ctx) {
  const { strategies: infos } = await ctx.get("/api/backtest/strategies");
  const tested = new Set(infos.map((i) => i.strategy_id).filter(Boolean));
  const ids = ctx.compareIds.filter((id) => tested.has(id));
  const missing = ctx.compareIds.filter((id) => !tested.has(id));
  view.append(h("div", { class: "view-title" }, h("h1", {}, "Backtest compare"),
    ids.length ? h("span", { class: "muted" }, ids.join("  vs  ")) : null));
  if (missing.length) view.append(notice(`No backtest for ${missing.join(", ")}: run \`stratops backtest --db URL\` for it.`));
  if (ids.length < 2) {
    view.append(notice("Pick at least two strategies with backtests above to compare them."));
    return;
  }
  const body = await ctx.get("/api/backtest/compare", { strategy_ids: ids });
  const c = body.comparison;
  if (body.synthetic) view.append(syntheticLabel("These backtest results"));
  if (c.data_snapshot_mismatch) {
    view.append(notice(`Not on identical data: the backtests ran on different market-data snapshots (${c.mismatched_dates} common sessions).`, "warn"));
  }
  if (!c.period.trading_days) {
    view.append(notice("These backtests share no session, so there is nothing to compare."));
    return;
  }
  const { seconds, lines, columns } = overlay(ids, c);
  const equityHost = h("div", { class: "chart", id: "backtest-compare-chart" });
  const bands = h("div", { class: "bands" });
  const ddHost = h("div", { class: "chart" });
  const trades = h("table", { class: "bt-trades" },
    h("thead", {}, h("tr", {}, h("th", {}, "Backtest"), h("th", {}, "Window"), h("th", { class: "num" }, "Trades"))),
    h("tbody", {}, ids.map((id) => {
      const info = body.backtests[id];
      return h("tr", {}, h("th", { scope: "row" }, `${id} · ${info.source}`),
        h("td", {}, `${info.start_date} → ${info.end_date}`),
        h("td", { class: "num" }, body.trades[id] === null ? "–" : String(body.trades[id])));
    })));
  view.append(
    panel(`Backtest equity, rebased to 100 on ${c.period.start_date} (${c.period.trading_days} common sessions)`, equityHost, bands, cellLegend()),
    panel("Drawdown", ddHost),
    panel("Metrics on the common sessions", baselineNote(columns, c.baseline),
      metricTable(columns, { diffs: c.differences_by_strategy, winner: c.winner, baseline: c.baseline }),
      h("p", { class: "footnote" }, "Winner: highest Sharpe ratio over the common sessions; equal Sharpe is decided by CAGR. Differences are against the first strategy, in percent points for returns.")),
    panel("Trades", scroller(trades), h("p", { class: "footnote" }, "Closing fills over each whole backtest.")),
    panel("Time in each regime cell (common sessions)", regimeTable(body.sessions_by_cell)));
  const chart = equityChart(equityHost, seconds, lines, { log: ctx.log, rebased: true });
  ids.forEach((id) => regimeBand(bands, chart, id, seconds, body.cells[id]));
  drawdownChart(ddHost, seconds, strategyDrawdowns(lines));
}
