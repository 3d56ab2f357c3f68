// What both compare views draw alike (paper compare and backtest compare): each
// strategy's curve rebased to 100 on the first common date, QQQ as the dashed
// baseline, one metrics column per strategy, and the strategies' drawdowns.

import { BASELINE_COLOR, PALETTE, drawdowns } from "../charts.js";
import { toSeconds } from "../format.js";

export function rebase(values) {
  const first = values.find((v) => v !== null && v !== undefined);
  return values.map((v) => (v === null || v === undefined || !first ? null : (v / first) * 100));
}

// c: a comparison body ({series: {dates, equity: {id: []}, baseline}, strategies: {id: metrics}}).
export function overlay(ids, c) {
  const seconds = c.series.dates.map(toSeconds);
  const color = (i) => PALETTE[i % PALETTE.length];
  const lines = ids.map((id, i) => ({ label: id, values: rebase(c.series.equity[id]), color: color(i) }));
  if (c.series.baseline.some((v) => v !== null)) {
    lines.push({ label: "QQQ", values: rebase(c.series.baseline), color: BASELINE_COLOR, dash: true });
  }
  const columns = ids.map((id, i) => ({ id, label: id, color: color(i), metrics: c.strategies[id] }));
  return { seconds, lines, columns };
}

// The drawdown of every strategy line (not of the QQQ baseline).
export function strategyDrawdowns(lines) {
  return lines.filter((l) => l.label !== "QQQ").map((l) => ({ ...l, values: drawdowns(l.values) }));
}
