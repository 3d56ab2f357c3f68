// Trades of every strategy or one, newest first, fifty a page.

import { get } from "../api.js";
import { h, notice, panel } from "../dom.js";
import { usd, when } from "../format.js";
import { load, save } from "../store.js";

const PAGE = 50;

export async function renderTrades(view, { strategies, rerender }) {
  const filter = load("tradesFilter", "");
  const offset = load("tradesOffset", 0);
  const body = await get("/api/trades", { strategy_id: filter || null, limit: PAGE, offset });
  const select = h("select", { id: "trades-filter", "aria-label": "Strategy filter",
    onchange: (e) => { save("tradesFilter", e.target.value); save("tradesOffset", 0); rerender(); } },
    h("option", { value: "" }, "All strategies"),
    strategies.map((s) => h("option", { value: s.id, selected: s.id === filter }, `${s.id} · ${s.display_name}`)));
  const page = (delta) => () => { save("tradesOffset", Math.max(0, offset + delta)); rerender(); };
  const pager = h("div", { class: "pager" },
    h("button", { type: "button", disabled: offset === 0, onclick: page(-PAGE) }, "← Newer"),
    h("span", { class: "muted" }, body.total ? `${offset + 1}–${offset + body.trades.length} of ${body.total}` : "no trades"),
    h("button", { type: "button", disabled: offset + PAGE >= body.total, onclick: page(PAGE) }, "Older →"));
  view.append(h("div", { class: "view-title" }, h("h1", {}, "Trades"), select, pager));
  if (!body.trades.length) {
    view.append(notice("No trades match."));
    return;
  }
  const rows = body.trades.map((t) => h("tr", {},
    h("td", {}, t.trade_date), h("td", { class: "muted" }, when(t.timestamp)),
    h("td", {}, h("span", { class: "tag" }, t.strategy_id)),
    h("td", {}, h("span", { class: `side ${t.action.toLowerCase()}` }, t.action)),
    h("td", { class: "sym" }, t.symbol), h("td", { class: "num" }, t.quantity),
    h("td", { class: "num" }, usd(t.price)), h("td", { class: "num" }, usd(t.value)),
    h("td", { class: "num muted" }, usd((t.commission || 0) + (t.slippage || 0)))));
  view.append(panel("Fills", h("table", { class: "trades", id: "trades-table" },
    h("thead", {}, h("tr", {}, ["Date", "Time", "Strategy", "Side", "Symbol", "Shares", "Price", "Value", "Costs"]
      .map((c, i) => h("th", { class: i >= 5 ? "num" : "" }, c)))),
    h("tbody", {}, rows))));
}
