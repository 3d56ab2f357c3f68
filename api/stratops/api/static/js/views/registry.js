// The dashboard's views, in tab order. A view is {id, label, render(ctx), controls}:
// `controls` says which toolbar controls apply (strategy selector, compare and log
// toggles, date range). A new view is one entry here and one module.

import { renderBacktest } from "./backtest.js";
import { renderBacktestCompare } from "./backtest-compare.js";
import { renderOverview } from "./overview.js";
import { renderPerformance } from "./performance.js";
import { renderTrades } from "./trades.js";

export const VIEWS = [
  { id: "overview", label: "Overview", render: renderOverview, controls: [] },
  {
    id: "performance", label: "Performance", render: renderPerformance,
    controls: ["selector", "compare", "log", "range"],
  },
  { id: "trades", label: "Trades", render: renderTrades, controls: ["range"] },
  { id: "backtest", label: "Backtest", render: renderBacktest, controls: ["log", "range"] },
  { id: "backtest-compare", label: "Backtest compare", render: renderBacktestCompare, controls: ["selector", "log"] },
];

export function viewOf(id) {
  return VIEWS.find((v) => v.id === id) || VIEWS[0];
}
