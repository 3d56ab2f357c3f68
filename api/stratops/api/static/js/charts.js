// uPlot wrappers: equity (linear or log), drawdown, and regime bands aligned with a chart.
/* global uPlot */

import { h } from "./dom.js";
import { CELL_NAMES, num, pct, usd } from "./format.js";

export const PALETTE = ["#4cc9f0", "#f72585", "#ffd166", "#06d6a0", "#b388ff", "#ff8c42"];
export const BASELINE_COLOR = "#8b95a7";
export const CELL_COLORS = {
  1: "#22c55e", 2: "#a3e635", 3: "#64748b", 4: "#f59e0b", 5: "#f97316", 6: "#ef4444",
};

const AXIS = "#8b95a7";
const GRID = "rgba(139, 149, 167, 0.14)";
const live = new Set();

window.addEventListener("resize", () => {
  for (const chart of live) chart.setSize(sizeOf(chart.root.parentElement, chart.height));
});

export function destroyCharts() {
  for (const chart of live) chart.destroy();
  live.clear();
}

function sizeOf(container, height) {
  return { width: Math.max(320, container.clientWidth), height };
}

// uPlot snaps a log axis to whole decades; a few percent of headroom reads better.
function logRange(u, min, max) {
  return [min * 0.97, max * 1.03];
}

// A 1, 2 or 5 times a power of ten, the smallest at least `raw`.
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
}

// Round ticks on a log axis: evenly stepped round values inside a narrow range (under a
// decade, where uPlot's decade ticks would land on $10,133 and $20,266), else 1-2-5
// times powers of ten.
export function logSplits(min, max) {
  if (!(min > 0) || !(max > min)) return [];
  if (max / min < 10) {
    const step = niceStep((max - min) / 6);
    const out = [];
    for (let v = Math.ceil(min / step) * step; v <= max; v += step) out.push(Math.round(v / step) * step);
    return out;
  }
  const out = [];
  for (let p = Math.floor(Math.log10(min)); 10 ** p <= max; p++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** p;
      if (v >= min && v <= max) out.push(v);
    }
  }
  return out;
}

// The latest non-null value: what a legend shows while no point is hovered.
function lastOf(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i];
  return null;
}

// Daily data: ticks never closer than a day; months and years align to the calendar.
const DAY = 86400;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;
const TIME_INCRS = [DAY, 2 * DAY, 3 * DAY, 7 * DAY, 14 * DAY, MONTH, 2 * MONTH, 3 * MONTH,
  6 * MONTH, YEAR, 2 * YEAR, 5 * YEAR, 10 * YEAR];
// [tick increment, format, format when the year changes, ..., mode] as uPlot reads them.
const TIME_VALUES = [
  [YEAR, "{YYYY}", null, null, null, null, null, null, 1],
  [MONTH, "{MMM}", "\n{YYYY}", null, null, null, null, null, 1],
  [DAY, "{MMM} {D}", "\n{YYYY}", null, null, null, null, null, 1],
];

function axes(formatY, log) {
  const common = { stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } };
  const y = { ...common, size: 78, values: (u, values) => values.map((v) => (v === null ? "" : formatY(v))) };
  if (log) {
    y.splits = (u, axis, min, max) => logSplits(min, max);
    y.filter = (u, splits) => splits; // keep every split: they are already round
  }
  return [{ ...common, incrs: TIME_INCRS, values: TIME_VALUES, space: 60 }, y];
}

const isoDay = (ts) => new Date(ts * 1000).toISOString().slice(0, 10);

// `lines`: [{label, values, color, dash}] sharing the `seconds` x values. With no point
// hovered the legend shows the latest values (never a bare "Date:").
export function lineChart(container, seconds, lines, { height, formatY, formatValue, log = false, fill = false }) {
  const series = [
    { label: "Date", value: (u, ts, i, idx) => {
      const at = idx === null || idx === undefined ? lastOf(u.data[0]) : ts;
      return at === null ? "" : isoDay(at);
    } },
    ...lines.map((line) => ({
      label: line.label,
      stroke: line.color,
      width: line.dash ? 1.5 : 2,
      dash: line.dash ? [6, 4] : undefined,
      fill: fill && lines.length === 1 ? `${line.color}22` : undefined,
      spanGaps: true,
      value: (u, v, i, idx) => formatValue(idx === null || idx === undefined ? lastOf(u.data[i]) : v),
    })),
  ];
  const listeners = [];
  const opts = {
    ...sizeOf(container, height),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { x: { time: true }, y: log ? { distr: 3, log: 10, range: logRange } : {} },
    axes: axes(formatY, log),
    series,
    cursor: { sync: { key: "stratops" }, points: { size: 6 } },
    legend: { live: true },
    hooks: {
      setScale: [(u) => listeners.forEach((fn) => fn(u))],
      setSize: [(u) => listeners.forEach((fn) => fn(u))],
      setCursor: [(u) => listeners.forEach((fn) => fn(u, u.cursor.idx))],
    },
  };
  const data = [seconds, ...lines.map((line) => line.values)];
  const chart = new uPlot(opts, data, container);
  chart.setLegend({ idx: null }); // the latest values, now that the data is known
  chart.listeners = listeners;
  chart.height = height;
  container.dataset.series = lines.map((line) => line.label).join(",");
  live.add(chart);
  return chart;
}

export function equityChart(container, seconds, lines, { log = false, rebased = false } = {}) {
  const money = (v) => (v === null || v === undefined ? "" : rebased ? num(v) : usd(v));
  const axis = (v) => (rebased ? String(Math.round(v * 100) / 100) : usd(Math.round(v)).replace(/\.\d\d$/, ""));
  return lineChart(container, seconds, lines, { height: 320, formatY: axis, formatValue: money, log });
}

export function drawdownChart(container, seconds, lines) {
  const format = (v) => (v === null || v === undefined ? "" : pct(v, false));
  return lineChart(container, seconds, lines, {
    height: 170, formatY: (v) => `${Math.round(v)} %`, formatValue: format, fill: true,
  });
}

// Drawdown in percent below the running peak, from any curve (nulls stay null).
export function drawdowns(values) {
  let peak = -Infinity;
  return values.map((v) => {
    if (v === null || v === undefined) return null;
    peak = Math.max(peak, v);
    return (v / peak - 1) * 100;
  });
}

// A strip of regime colours under `chart`, one segment per session, with a caption
// that follows the cursor.
export function regimeBand(host, chart, label, seconds, cells) {
  const canvas = h("canvas", { class: "band-canvas", height: 14 });
  const caption = h("span", { class: "band-caption" }, "");
  const row = h("div", { class: "band", dataset: { strategy: label } },
    h("span", { class: "band-label" }, label), h("div", { class: "band-track" }, canvas), caption);
  host.append(row);

  const draw = (u) => {
    const dpr = window.devicePixelRatio || 1;
    const left = u.bbox.left / dpr;
    const width = u.bbox.width / dpr;
    canvas.style.marginLeft = `${left}px`;
    canvas.style.width = `${width}px`;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(14 * dpr);
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    seconds.forEach((ts, i) => {
      const next = i + 1 < seconds.length ? seconds[i + 1] : ts + 86400;
      const x0 = u.valToPos(ts, "x");
      const x1 = u.valToPos(next, "x");
      if (x1 < 0 || x0 > width) return;
      ctx.fillStyle = CELL_COLORS[cells[i]] || "#2a3142";
      ctx.fillRect(Math.max(0, x0) * dpr, 0, Math.max(1, (Math.min(width, x1) - Math.max(0, x0)) * dpr), canvas.height);
    });
  };
  const follow = (u, idx) => {
    if (idx === null || idx === undefined) { caption.textContent = ""; return; }
    const ts = u.data[0][idx];
    const at = seconds.indexOf(ts);
    const cell = at >= 0 ? cells[at] : null;
    caption.textContent = cell ? `Cell ${cell} · ${CELL_NAMES[cell]}` : "";
  };
  chart.listeners.push((u, idx) => (idx === undefined ? draw(u) : follow(u, idx)));
  draw(chart);
  return row;
}

export function cellLegend() {
  return h("div", { class: "cell-legend" },
    Object.entries(CELL_NAMES).map(([cell, name]) =>
      h("span", { class: "cell-key" },
        h("i", { style: `background:${CELL_COLORS[cell]}` }), `${cell} ${name}`)));
}
