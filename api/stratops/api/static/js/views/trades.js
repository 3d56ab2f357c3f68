// Trades of every strategy or one, newest first, fifty a page, with the realised P&L of
// each closing fill and, for one strategy, its round trips.

import { h, notice, panel, scroller, syntheticLabel } from "../dom.js";
import { num, pct, usd, when } from "../format.js";
import { load, save } from "../store.js";

const PAGE = 50;

function pnlCell(value) {
  if (value === null || value === undefined) return h("td", { class: "num muted" }, "");
  return h("td", { class: `num pnl ${value > 0 ? "up" : value < 0 ? "down" : ""}` }, usd(value));
}

function fillsTable(trades, realized) {
  const rows = trades.map((t) => h("tr", {},
    h("td", {}, t.trade_date), h("td", { class: "muted", title: when(t.timestamp) }, when(t.timestamp).slice(11)),
    h("td", {}, h("span", { class: "tag" }, t.strategy_id)),
    h("td", {}, h("span", { class: `side ${t.action.toLowerCase()}` }, t.action)),
    h("td", { class: "sym" }, t.symbol), h("td", { class: "num" }, t.quantity),
    h("td", { class: "num" }, usd(t.price)), h("td", { class: "num" }, usd(t.value)),
    h("td", { class: "num muted" }, usd(t.commission)), h("td", { class: "num muted" }, usd(t.slippage)),
    pnlCell((realized[t.strategy_id] || {})[t.id]),
    h("td", { class: "reason", title: t.reason || "" }, t.reason || "")));
  const head = ["Date", "Time", "Strategy", "Side", "Symbol", "Shares", "Price", "Value", "Commission", "Slippage", "Realised P&L", "Reason"];
  return h("table", { class: "trades", id: "trades-table" },
    h("thead", {}, h("tr", {}, head.map((c, i) => h("th", { class: i >= 5 && i <= 10 ? "num" : "" }, c)))),
    h("tbody", {}, rows));
}

function tripsTable(trips) {
  return h("table", { class: "trips", id: "round-trips-table" },
    h("thead", {}, h("tr", {}, ["Symbol", "Opened", "Closed", "Shares bought", "P&L", "Return", "Commission", "Slippage"]
      .map((c, i) => h("th", { class: i >= 3 ? "num" : "" }, c)))),
    h("tbody", {}, trips.map((t) => h("tr", {},
      h("td", { class: "sym" }, t.symbol), h("td", {}, t.opened), h("td", {}, t.closed || "open"),
      h("td", { class: "num" }, num(t.shares_bought)), pnlCell(t.pnl),
      h("td", { class: "num" }, pct(t.return_pct)), h("td", { class: "num muted" }, usd(t.commission)),
      h("td", { class: "num muted" }, usd(t.slippage))))));
}

export async function renderTrades(view, ctx) {
  const filter = load("tradesFilter", "");
  const offset = load("tradesOffset", 0);
  const body = await ctx.get("/api/trades", {
    strategy_id: filter || null, limit: PAGE, offset, start: ctx.range.start, end: ctx.range.end,
  });
  const ids = [...new Set(body.trades.map((t) => t.strategy_id))];
  const trips = await Promise.all(ids.map((id) => ctx.get("/api/round-trips", { strategy_id: id })));
  const realized = Object.fromEntries(trips.map((r) => [r.strategy_id, r.realized_by_fill]));
  const select = h("select", { id: "trades-filter", "aria-label": "Strategy filter",
    onchange: (e) => { save("tradesFilter", e.target.value); save("tradesOffset", 0); ctx.rerender(); } },
    h("option", { value: "" }, "All strategies"),
    ctx.strategies.map((s) => h("option", { value: s.id, selected: s.id === filter }, `${s.id} · ${s.display_name}`)));
  const page = (delta) => () => { save("tradesOffset", Math.max(0, offset + delta)); ctx.rerender(); };
  const pager = h("div", { class: "pager" },
    h("button", { type: "button", disabled: offset === 0, onclick: page(-PAGE) }, "← Newer"),
    h("span", { class: "muted" }, body.total ? `${offset + 1}–${offset + body.trades.length} of ${body.total}${body.total_exact ? "" : "+"}` : "no trades"),
    h("button", { type: "button", disabled: offset + PAGE >= body.total, onclick: page(PAGE) }, "Older →"));
  view.append(h("div", { class: "view-title" }, h("h1", {}, "Trades"), select, pager));
  const shown = filter ? [filter] : ctx.strategies.map((s) => s.id);
  if (shown.some((id) => (ctx.overview[id] || {}).synthetic)) view.append(syntheticLabel("These paper trades"));
  if (!body.trades.length) {
    view.append(notice("No trades match."));
    return;
  }
  view.append(panel("Fills", scroller(fillsTable(body.trades, realized)),
    h("p", { class: "footnote" }, "Slippage is inside the fill price, shown apart; realised P&L is against the average cost of the shares a sell closes, after commissions.")));
  if (filter) {
    const own = trips.find((r) => r.strategy_id === filter);
    if (own && own.trips.length) view.append(panel(`Round trips of ${filter}`, scroller(tripsTable(own.trips))));
  }
}
