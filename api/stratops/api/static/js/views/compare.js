// Several strategies on the dates they all have: rebased curves, bands, drawdowns, table.

import { cellLegend, drawdownChart, equityChart, regimeBand } from "../charts.js";
import { h, notice, panel, syntheticLabel } from "../dom.js";
import { toSeconds } from "../format.js";
import { baselineNote, metricTable } from "./metrics.js";
import { overlay, strategyDrawdowns } from "./overlay.js";

export async function renderCompare(view, ctx) {
  const { compareIds: ids, names, log } = ctx;
  if (ids.length < 2) {
    view.append(notice("Pick at least two strategies above to compare them."));
    return;
  }
  const [{ comparison: c }, ...performances] = await Promise.all([
    ctx.get("/api/performance/compare", { strategy_ids: ids, include_series: true }),
    ...ids.map((id) => ctx.get("/api/performance", { strategy_id: id })),
  ]);
  view.append(h("div", { class: "view-title" },
    h("h1", {}, ids.map((id) => names[id] || id).join("  vs  ")),
    c.period.trading_days
      ? h("span", { class: "muted" }, `${c.period.trading_days} common sessions · ${c.period.start_date} → ${c.period.end_date}`)
      : null));
  if (ids.some((id) => (ctx.overview[id] || {}).synthetic)) view.append(syntheticLabel("These paper-trading results"));
  if (c.data_snapshot_mismatch) {
    view.append(notice(`Not on identical data: the strategies ran on different market-data snapshots on ${c.mismatched_dates} common day(s), first ${c.first_mismatched_date}.`, "warn"));
  }
  if (!c.period.trading_days) {
    view.append(notice("These strategies share no trading day yet, so there is nothing to compare."));
    return;
  }
  const { seconds, lines, columns } = overlay(ids, c);
  const equityHost = h("div", { class: "chart", id: "equity-chart" });
  const bands = h("div", { class: "bands" });
  const ddHost = h("div", { class: "chart", id: "drawdown-chart" });
  view.append(
    panel(`Equity, rebased to 100 on ${c.period.start_date}`, equityHost, bands, cellLegend()),
    panel("Drawdown", ddHost),
    panel("Metrics on the common dates",
      baselineNote(columns, c.baseline),
      metricTable(columns, { diffs: c.differences_by_strategy, winner: c.winner, baseline: c.baseline }),
      h("p", { class: "footnote" }, "Winner: highest Sharpe ratio over the common dates; equal Sharpe is decided by CAGR. Differences are against the first strategy, in percent points for returns."))
  );
  const chart = equityChart(equityHost, seconds, lines, { log, rebased: true });
  performances.forEach((perf, i) => {
    const own = perf.series.dates.map(toSeconds);
    regimeBand(bands, chart, ids[i], own, perf.series.cell);
  });
  drawdownChart(ddHost, seconds, strategyDrawdowns(lines));
}
