// Several strategies on the dates they all have: rebased curves, bands, drawdowns, table.

import { BASELINE_COLOR, PALETTE, cellLegend, drawdownChart, drawdowns, equityChart, regimeBand } from "../charts.js";
import { h, notice, panel, syntheticLabel } from "../dom.js";
import { toSeconds } from "../format.js";
import { baselineNote, metricTable } from "./metrics.js";

function rebase(values) {
  const first = values.find((v) => v !== null && v !== undefined);
  return values.map((v) => (v === null || v === undefined || !first ? null : (v / first) * 100));
}

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
  const seconds = c.series.dates.map(toSeconds);
  const color = (i) => PALETTE[i % PALETTE.length];
  const lines = ids.map((id, i) => ({ label: id, values: rebase(c.series.equity[id]), color: color(i) }));
  if (c.series.baseline.some((v) => v !== null)) {
    lines.push({ label: "QQQ", values: rebase(c.series.baseline), color: BASELINE_COLOR, dash: true });
  }
  const equityHost = h("div", { class: "chart", id: "equity-chart" });
  const bands = h("div", { class: "bands" });
  const ddHost = h("div", { class: "chart", id: "drawdown-chart" });
  const columns = ids.map((id, i) => ({ id, label: id, color: color(i), metrics: c.strategies[id] }));
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
    const own = perf.series.map((p) => toSeconds(p.date));
    regimeBand(bands, chart, ids[i], own, perf.series.map((p) => p.cell));
  });
  drawdownChart(ddHost, seconds, lines.filter((l) => l.label !== "QQQ").map((l) => ({ ...l, values: drawdowns(l.values) })));
}
