// Home: one card per strategy (role, health, last run, equity, return, drawdown) and a
// table of the same numbers. Health is /api/status/strategies' verdict, never recomputed.

import { h, notice, panel, scroller, syntheticLabel } from "../dom.js";
import { pct, usd, when } from "../format.js";
import { backtestRow, configBacktests } from "./config-backtest.js";

const HEALTH = { ok: "on schedule", stale: "stale", failing: "failing" };

function row(label, value, cls = "") {
  return h("div", { class: "kv" }, h("span", { class: "muted" }, label), h("span", { class: cls }, value));
}

function tone(v) {
  return v === null || v === undefined || v === 0 ? "" : v > 0 ? "up" : "down";
}

function strategyCard(s, st, n, backtests, open) {
  const health = st ? st.health : null;
  return h("article", { class: `strategy-card ${health || ""}`, dataset: { strategy: s.id, health: health || "" } },
    h("header", {},
      h("button", { type: "button", class: "card-title", title: "Open its performance", onclick: () => open("performance", s.id) },
        s.display_name),
      h("span", { class: `badge role ${s.is_primary ? "" : "secondary"}` }, s.is_primary ? "primary" : "secondary"),
      n.synthetic ? h("span", { class: "badge synthetic" }, "synthetic") : null),
    h("div", { class: "muted mono" }, s.id, s.is_active ? "" : " · suspended"),
    health ? h("div", { class: `pill ${health}` }, h("i", { class: "dot" }), HEALTH[health]) : null,
    st && st.message ? h("p", { class: "health-message" }, st.message) : null,
    h("div", { class: "kv", title: s.last_run ? `finished ${when(s.last_run)}` : "" },
      h("span", { class: "muted" }, "Last run"), h("span", {}, s.last_trade_date || "never")),
    row("Equity", usd(n.equity ?? s.current_equity)),
    row("Return", pct(n.total_return), tone(n.total_return)),
    row("Max drawdown", pct(n.max_drawdown), n.max_drawdown ? "down" : ""),
    row("Drawdown now", pct(n.current_drawdown), n.current_drawdown ? "down" : ""),
    row("History", n.sessions ? `${n.sessions} sessions since ${n.first_date}` : "none"),
    backtestRow(backtests));
}

function glance(ctx) {
  const head = ["Strategy", "Role", "Health", "Last run", "Equity", "Return", "Max drawdown", "Drawdown now"];
  return h("table", { class: "glance", id: "overview-table" },
    h("thead", {}, h("tr", {}, head.map((c, i) => h("th", { class: i >= 4 ? "num" : "" }, c)))),
    h("tbody", {}, ctx.strategies.map((s) => {
      const n = ctx.overview[s.id] || {};
      const st = ctx.status[s.id];
      return h("tr", {}, h("th", { scope: "row" }, s.id), h("td", {}, s.is_primary ? "primary" : "secondary"),
        h("td", {}, st ? HEALTH[st.health] : "–"), h("td", {}, s.last_trade_date || "–"),
        h("td", { class: "num" }, usd(n.equity ?? s.current_equity)), h("td", { class: "num" }, pct(n.total_return)),
        h("td", { class: "num" }, pct(n.max_drawdown)), h("td", { class: "num" }, pct(n.current_drawdown)));
    })));
}

export async function renderOverview(view, ctx) {
  const backtests = await configBacktests(ctx);
  view.append(h("div", { class: "view-title" }, h("h1", {}, "Overview"),
    h("span", { class: "muted" }, `${ctx.strategies.length} strategies`)));
  if (ctx.strategies.some((s) => (ctx.overview[s.id] || {}).synthetic)) {
    view.append(syntheticLabel("Results marked synthetic"));
  }
  const stale = ctx.strategies.filter((s) => (ctx.status[s.id] || {}).health === "stale");
  if (stale.length) {
    const expected = ctx.status[stale[0].id].expected_session;
    view.append(notice(`Stale means no completed run for the session the schedule expects by now (${expected}). ` +
      "A ledger built from market data that ends before today, such as `stratops demo --data-dir` " +
      "with an older download, stays stale until runs for the recent sessions exist; nothing is broken.", "info stale-help"));
  }
  view.append(h("div", { class: "strategy-cards" }, ctx.strategies.map((s) =>
    strategyCard(s, ctx.status[s.id], ctx.overview[s.id] || {}, backtests[s.id], ctx.open))));
  view.append(panel("At a glance", scroller(glance(ctx)),
    h("p", { class: "footnote" }, "Return and drawdown from each strategy's initial capital; health from /api/status/strategies.")));
}
