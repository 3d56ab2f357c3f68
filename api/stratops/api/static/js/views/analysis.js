// What a trader reads next to an equity curve: monthly returns as a year x month heat
// map and rolling Sharpe ratio and volatility. Pure functions of the daily curve.

import { lineChart, PALETTE } from "../charts.js";
import { h, notice, panel, scroller } from "../dom.js";
import { num, pct, toSeconds } from "../format.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const YEAR_DAYS = 252;

// {year: {month 1-12: percent, year: percent}}, each month from the previous month's last
// close (the first from `base`, the initial capital, when given).
export function monthlyReturns(dates, equity, base = null) {
  const lastOfMonth = new Map();
  dates.forEach((d, i) => { if (equity[i] !== null) lastOfMonth.set(d.slice(0, 7), equity[i]); });
  const out = {};
  let previous = base !== null ? base : equity.find((v) => v !== null);
  let yearStart = previous;
  let year = null;
  for (const [month, close] of lastOfMonth) {
    const [y, m] = month.split("-").map(Number);
    if (y !== year) { year = y; yearStart = previous; out[y] = {}; }
    out[y][m] = (close / previous - 1) * 100;
    out[y].year = (close / yearStart - 1) * 100;
    previous = close;
  }
  return out;
}

function heat(value, scale) {
  if (value === undefined || value === null) return "";
  const alpha = Math.min(1, Math.abs(value) / scale) * 0.55 + 0.08;
  return value >= 0 ? `rgba(34, 197, 94, ${alpha.toFixed(2)})` : `rgba(240, 82, 82, ${alpha.toFixed(2)})`;
}

export function monthlyTable(dates, equity, base = null) {
  const table = monthlyReturns(dates, equity, base);
  const values = Object.values(table).flatMap((row) => MONTHS.map((_, i) => row[i + 1]).filter((v) => v !== undefined));
  const scale = Math.max(5, ...values.map(Math.abs));
  const cell = (v, cls = "") => h("td", { class: `num heat ${cls}`, style: v === undefined ? null : `background:${heat(v, scale)}` },
    v === undefined ? "" : num(v, true));
  return h("table", { class: "monthly" },
    h("thead", {}, h("tr", {}, h("th", {}, "Year"), MONTHS.map((m) => h("th", { class: "num" }, m)), h("th", { class: "num" }, "Year"))),
    h("tbody", {}, Object.entries(table).map(([year, row]) => h("tr", {},
      h("th", { scope: "row" }, year), MONTHS.map((_, i) => cell(row[i + 1])), cell(row.year, "year")))));
}

// Rolling annualised volatility (percent) and Sharpe ratio (no risk-free rate) over `window` sessions.
export function rolling(equity, window) {
  const returns = equity.map((v, i) => (i === 0 || equity[i - 1] === null || v === null ? null : v / equity[i - 1] - 1));
  const vol = [], sharpe = [];
  for (let i = 0; i < returns.length; i++) {
    const slice = returns.slice(Math.max(1, i - window + 1), i + 1).filter((r) => r !== null);
    if (i < window || slice.length < window) { vol.push(null); sharpe.push(null); continue; }
    const mean = slice.reduce((a, b) => a + b, 0) / slice.length;
    const sd = Math.sqrt(slice.reduce((a, b) => a + (b - mean) ** 2, 0) / (slice.length - 1));
    vol.push(sd * Math.sqrt(YEAR_DAYS) * 100);
    sharpe.push(sd > 0 ? (mean / sd) * Math.sqrt(YEAR_DAYS) : null);
  }
  return { vol, sharpe };
}

export function windowFor(sessions) {
  if (sessions >= 126) return 63;
  if (sessions >= 42) return 21;
  return null;
}

// Panels for one curve: the heat map and, when long enough, the rolling charts.
export function analysisPanels(view, dates, equity, { base = null, label = "strategy" } = {}) {
  view.append(panel("Monthly returns (%)", scroller(monthlyTable(dates, equity, base)),
    h("p", { class: "footnote" }, base !== null
      ? "Each month from the previous month's last close; the first from the initial capital."
      : "Each month from the previous month's last close; the first from the first close.")));
  const window = windowFor(dates.length);
  if (window === null) {
    view.append(panel("Rolling Sharpe and volatility",
      notice(`Rolling figures need at least 42 sessions; this range has ${dates.length}.`)));
    return;
  }
  const { vol, sharpe } = rolling(equity, window);
  const seconds = dates.map(toSeconds);
  const sharpeHost = h("div", { class: "chart", id: "rolling-sharpe-chart" });
  const volHost = h("div", { class: "chart", id: "rolling-vol-chart" });
  view.append(panel(`Rolling ${window}-session Sharpe ratio and volatility`, sharpeHost, volHost,
    h("p", { class: "footnote" }, "Annualised over 252 sessions; Sharpe without a risk-free rate.")));
  lineChart(sharpeHost, seconds, [{ label: `${label} Sharpe`, values: sharpe, color: PALETTE[2] }],
    { height: 150, formatY: (v) => num(v), formatValue: (v) => num(v) });
  lineChart(volHost, seconds, [{ label: `${label} volatility`, values: vol, color: PALETTE[4] }],
    { height: 150, formatY: (v) => `${Math.round(v)} %`, formatValue: (v) => pct(v, false) });
}
