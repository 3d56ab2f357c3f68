// What the strategy holds now: positions and cash from its ledger state.

import { h, notice, panel, scroller } from "../dom.js";
import { num, usd } from "../format.js";

export function holdingsPanel(state) {
  if (!state.as_of) return panel("Holdings", notice("No completed run yet: nothing is held."));
  const equity = state.equity || 0;
  const weight = (v) => (equity && v !== null && v !== undefined ? `${num((v / equity) * 100)} %` : "–");
  const rows = state.positions.map((p) => h("tr", {},
    h("td", { class: "sym" }, p.symbol), h("td", { class: "num" }, num(p.quantity)),
    h("td", { class: "num" }, usd(p.price)), h("td", { class: "num" }, usd(p.value)),
    h("td", { class: "num" }, weight(p.value))));
  rows.push(h("tr", { class: "cash-row" },
    h("td", {}, "Cash"), h("td", {}), h("td", {}), h("td", { class: "num" }, usd(state.cash)),
    h("td", { class: "num" }, weight(state.cash))));
  return panel(`Holdings after the run of ${state.as_of}`,
    scroller(h("table", { class: "holdings", id: "holdings-table" },
      h("thead", {}, h("tr", {}, ["Symbol", "Shares", "Price", "Value", "Weight"]
        .map((c, i) => h("th", { class: i ? "num" : "" }, c)))),
      h("tbody", {}, rows))),
    h("p", { class: "footnote" }, `Equity ${usd(state.equity)}; prices are the marks of the last snapshot.`));
}
