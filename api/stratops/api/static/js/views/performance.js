// One strategy: headline numbers, equity against QQQ, regime band, drawdown, metrics,
// holdings, monthly returns and rolling figures. Compare mode hands over to compare.js.

import { BASELINE_COLOR, cellLegend, drawdownChart, equityChart, PALETTE, regimeBand } from "../charts.js";
import { h, notice, panel, syntheticLabel } from "../dom.js";
import { CELL_NAMES, cellOf, num, pct, toSeconds, usd } from "../format.js";
import { analysisPanels } from "./analysis.js";
import { renderCompare } from "./compare.js";
import { backtestPanel } from "./config-backtest.js";
import { holdingsPanel } from "./holdings.js";
import { baselineNote, metricTable } from "./metrics.js";

function card(label, value, extra = null, tone = "") {
  return h("div", { class: `card ${tone}` }, h("div", { class: "card-label" }, label),
    h("div", { class: "card-value" }, value), extra ? h("div", { class: "card-extra" }, extra) : null);
}

function tone(value) {
  if (value === null || value === undefined || value === 0) return "";
  return value > 0 ? "up" : "down";
}

function cards(body, summary, capital) {
  const m = body.metrics;
  const s = body.series; // column arrays: s.equity[i] is day i
  const i = s.dates.length - 1;
  const last = i >= 0 ? { equity: s.equity[i], trend: s.trend[i], vol: s.vol[i] } : null;
  const cell = cellOf(body.current_regime);
  const regime = cell
    ? h("span", { class: `cell cell-${cell}` }, `Cell ${cell} · ${CELL_NAMES[cell]}`)
    : "–";
  return h("div", { class: "cards" },
    card("Equity", usd(last ? last.equity : null), summary ? `last run ${summary.last_trade_date || "–"}` : null),
    card("Total return", pct(m.total_return), capital ? `on ${usd(capital)} capital · ${body.period.trading_days} sessions` : `${body.period.trading_days} sessions`, tone(m.total_return)),
    card("CAGR", pct(m.cagr), null, tone(m.cagr)),
    card("Sharpe", num(m.sharpe_ratio), `Sortino ${num(m.sortino_ratio)}`),
    card("Max drawdown", pct(m.max_drawdown), `Calmar ${num(m.calmar_ratio)}`, "down"),
    card("Regime", regime, last ? `${last.trend || "–"} · ${last.vol || "–"} vol` : null));
}

export async function renderPerformance(view, ctx) {
  if (ctx.compare) return renderCompare(view, ctx);
  const strategyId = ctx.selected;
  const range = { start: ctx.range.start, end: ctx.range.end };
  const [body, state, backtests, trades] = await Promise.all([
    ctx.get("/api/performance", { strategy_id: strategyId, ...range }),
    ctx.get(`/api/strategies/${encodeURIComponent(strategyId)}/state`),
    ctx.get(`/api/backtests/configurations/${encodeURIComponent(strategyId)}`),
    ctx.get("/api/trades", { strategy_id: strategyId, ...range, limit: 1000 }),
  ]);
  const numbers = ctx.overview[strategyId] || {};
  const title = h("div", { class: "view-title" },
    h("h1", {}, body.display_name), h("span", { class: "muted" }, body.strategy_id),
    body.period.start_date ? h("span", { class: "muted" }, `${body.period.start_date} → ${body.period.end_date}`) : null);
  view.append(title);
  if (numbers.synthetic) view.append(syntheticLabel("These paper-trading results"));
  if (!body.series.dates.length) {
    view.append(notice(ctx.range.start || ctx.range.end
      ? "No snapshots in this date range." : "No snapshots yet: this strategy has not completed a run."));
    return;
  }
  const fromStart = !ctx.range.start || ctx.range.start <= (numbers.first_date || "");
  const capital = fromStart ? numbers.initial_capital || null : null;
  view.append(cards(body, ctx.summary, capital), backtestPanel(backtests, body, trades));
  const seconds = body.series.dates.map(toSeconds);
  const equityHost = h("div", { class: "chart", id: "equity-chart" });
  const bands = h("div", { class: "bands" });
  const ddHost = h("div", { class: "chart", id: "drawdown-chart" });
  const column = [{ id: body.strategy_id, label: body.strategy_id, color: PALETTE[0], metrics: body.metrics }];
  view.append(
    panel("Equity vs QQQ buy-and-hold", equityHost, bands, cellLegend()),
    panel("Drawdown", ddHost),
    panel("Metrics", baselineNote(column, body.baseline_metrics), metricTable(column, { baseline: body.baseline_metrics }),
      capital ? h("p", { class: "footnote" }, `Measured from the initial capital of ${usd(capital)}.`) : null),
    holdingsPanel(state),
  );
  const lines = [{ label: body.strategy_id, values: body.series.equity, color: PALETTE[0] }];
  if (body.series.baseline.some((v) => v !== null)) {
    lines.push({ label: "QQQ", values: body.series.baseline, color: BASELINE_COLOR, dash: true });
  }
  const chart = equityChart(equityHost, seconds, lines, { log: ctx.log });
  regimeBand(bands, chart, body.strategy_id, seconds, body.series.cell);
  drawdownChart(ddHost, seconds, [
    { label: body.strategy_id, values: body.series.drawdown, color: PALETTE[0] },
  ]);
  analysisPanels(view, body.series.dates, lines[0].values, { base: capital, label: body.strategy_id });
}
