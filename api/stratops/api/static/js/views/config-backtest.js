// The backtest of a strategy's current configuration, read beside its paper results.
// /api/backtests/configurations/{id} lists the backtest of every configuration the
// strategy has had, newest first, each marked stale when its config hash is not the
// strategy's current one: paper numbers must never be read against old parameters
// without saying so.

import { h, notice, panel, scroller } from "../dom.js";
import { num, pct } from "../format.js";

const SHORT = 12;

function short(hash) {
  return hash ? hash.slice(0, SHORT) : "–";
}

// The backtest to show: the current configuration's, else the newest one (then stale).
export function shownBacktest(list) {
  if (!list || !list.backtests.length) return null;
  return list.backtests.find((b) => !b.stale) || list.backtests[0];
}

// Every strategy's list in one request (the overview's cards).
export async function configBacktests(ctx) {
  return (await ctx.get("/api/backtests/configurations")).strategies;
}

function staleBadge(backtest, list) {
  const now = list.current_config_hash ? `now ${short(list.current_config_hash)}` : "the current one is unknown";
  return h("span", { class: "badge stale-backtest", title: `Backtest of configuration ${short(backtest.config_hash)}; ${now}` },
    "stale");
}

// One line for an overview card: the backtest Sharpe and CAGR, stale when it is.
export function backtestRow(list) {
  const backtest = shownBacktest(list); // no list: a strategy with ledger rows but no configuration
  const state = backtest ? (backtest.stale ? "stale" : "current") : "none";
  const value = backtest
    ? h("span", {}, `Sharpe ${num(backtest.metrics.sharpe)} · CAGR ${pct(backtest.metrics.cagr_pct)}`,
      backtest.stale ? staleBadge(backtest, list) : null)
    : h("span", { class: "muted" }, "none yet");
  return h("div", { class: "kv backtest-line", dataset: { backtest: state },
    title: backtest ? `${backtest.start} → ${backtest.end}, configuration ${short(backtest.config_hash)}` : "" },
  h("span", { class: "muted" }, "Backtest"), value);
}

function closingFills(trades) {
  const sells = trades.trades.filter((t) => t.action === "SELL").length;
  return trades.total > trades.trades.length ? `≥ ${sells}` : String(sells);
}

// The Performance view's panel: backtest of this configuration | paper, row by row.
export function backtestPanel(list, paper, trades) {
  const backtest = shownBacktest(list);
  if (!backtest) {
    return panel("Backtest of this configuration",
      notice("No backtest of this configuration yet: the operator starts one when the configuration changes " +
        "(or run `stratops backtest-config --strategy FILE --data-dir DIR --db URL`)."));
  }
  const m = backtest.metrics;
  const p = paper.metrics;
  const rows = [
    ["Period", `${backtest.start} → ${backtest.end}`, paper.period.start_date ? `${paper.period.start_date} → ${paper.period.end_date}` : "–"],
    ["CAGR", pct(m.cagr_pct), pct(p.cagr)],
    ["Sharpe", num(m.sharpe), num(p.sharpe_ratio)],
    ["Max drawdown", pct(m.max_drawdown_pct), pct(p.max_drawdown)],
    ["Trades", String(m.trades), closingFills(trades)],
  ];
  const head = h("tr", {}, h("th", {}, "Metric"),
    h("th", { class: "num" }, "Backtest", backtest.stale ? staleBadge(backtest, list) : null),
    h("th", { class: "num" }, "Paper"));
  const table = h("table", { class: "backtest-vs-paper", dataset: { stale: String(backtest.stale) } },
    h("thead", {}, head),
    h("tbody", {}, rows.map(([label, b, q]) => h("tr", {},
      h("th", { scope: "row" }, label), h("td", { class: "num" }, b), h("td", { class: "num" }, q)))));
  const warning = backtest.stale
    ? notice(`Stale: this backtest ran configuration ${short(backtest.config_hash)}, and the configuration has ` +
      `changed since (now ${short(list.current_config_hash)}). Its numbers do not describe the parameters trading now; ` +
      "a backtest of the current configuration is pending.", "warn stale-backtest-note")
    : null;
  return panel("Backtest of this configuration beside paper trading", warning, scroller(table),
    h("p", { class: "footnote" },
      `Configuration ${short(backtest.config_hash)}, data snapshot ${short(backtest.data_snapshot_id)}. ` +
      "Trades: closing (sell) fills; the paper column follows the date range."));
}
