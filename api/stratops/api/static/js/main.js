// The dashboard shell: strategy selector, compare and log toggles, tabs, health pills.

import { get } from "./api.js";
import { destroyCharts, PALETTE } from "./charts.js";
import { clear, h, notice } from "./dom.js";
import { usd, when } from "./format.js";
import { load, save } from "./store.js";
import { renderBacktest } from "./views/backtest.js";
import { renderCompare } from "./views/compare.js";
import { renderPerformance } from "./views/performance.js";
import { renderSweeps } from "./views/sweeps.js";
import { renderTrades } from "./views/trades.js";

const state = {
  strategies: [],
  status: {},
  view: load("view", "performance"),
  selected: load("strategy", null),
  compare: load("compare", false),
  compareIds: load("compareIds", []),
  log: load("log", false),
};

const HEALTH_TEXT = { ok: "on schedule", stale: "stale", failing: "failing" };

function renderHealth() {
  const host = clear(document.getElementById("health"));
  for (const s of state.strategies) {
    const st = state.status[s.id];
    if (!st) continue;
    const title = [`${s.id}: ${HEALTH_TEXT[st.health]}`, st.message, `last run ${when(st.last_run)}`, `equity ${usd(st.equity)}`]
      .filter(Boolean).join("\n");
    host.append(h("span", { class: `pill ${st.health}`, title, dataset: { strategy: s.id } },
      h("i", { class: "dot" }), s.id));
  }
}

function chip(s, index, active, onclick) {
  const st = state.status[s.id];
  return h("button", {
    type: "button", class: `chip ${active ? "active" : ""}`, "aria-pressed": String(active),
    dataset: { strategy: s.id }, title: `${s.display_name}${s.is_primary ? " (primary)" : ""}`, onclick,
  },
  h("i", { class: `dot ${st ? st.health : ""}` }),
  state.compare ? h("span", { class: "swatch", style: `background:${PALETTE[index % PALETTE.length]}` }) : null,
  h("span", { class: "chip-name" }, s.display_name),
  s.is_primary ? h("span", { class: "badge" }, "primary") : null);
}

function renderSelector() {
  const host = clear(document.getElementById("selector"));
  const ids = state.compareIds;
  state.strategies.forEach((s) => {
    if (state.compare) {
      const on = ids.includes(s.id);
      host.append(chip(s, on ? ids.indexOf(s.id) : ids.length, on, () => {
        state.compareIds = on ? ids.filter((x) => x !== s.id) : [...ids, s.id];
        save("compareIds", state.compareIds);
        render();
      }));
    } else {
      host.append(chip(s, 0, s.id === state.selected, () => {
        state.selected = s.id;
        save("strategy", s.id);
        render();
      }));
    }
  });
  document.getElementById("compare-toggle").checked = state.compare;
  document.getElementById("log-toggle").checked = state.log;
}

function renderTabs() {
  for (const tab of document.querySelectorAll("#tabs .tab")) {
    tab.classList.toggle("active", tab.dataset.view === state.view);
    tab.setAttribute("aria-current", tab.dataset.view === state.view ? "page" : "false");
  }
  document.getElementById("toolbar").classList.toggle("hidden", ["trades", "sweeps"].includes(state.view));
  const onlyLog = state.view === "backtest";
  document.getElementById("selector").classList.toggle("hidden", onlyLog);
  document.getElementById("compare-switch").classList.toggle("hidden", onlyLog);
}

async function renderView() {
  destroyCharts();
  const view = clear(document.getElementById("view"));
  view.dataset.view = state.view;
  const names = Object.fromEntries(state.strategies.map((s) => [s.id, s.display_name]));
  const summary = state.strategies.find((s) => s.id === state.selected);
  const rerender = () => render();
  try {
    if (state.view === "trades") await renderTrades(view, { strategies: state.strategies, rerender });
    else if (state.view === "sweeps") await renderSweeps(view, { rerender });
    else if (state.view === "backtest") await renderBacktest(view, { strategyId: state.selected, log: state.log, rerender });
    else if (!state.strategies.length) view.append(notice("No strategies yet. Run `stratops run-all` (or `stratops demo`) and reload.", "info"));
    else if (state.compare) await renderCompare(view, { ids: state.compareIds, names, log: state.log });
    else await renderPerformance(view, { strategyId: state.selected, summary, log: state.log });
  } catch (error) {
    view.append(notice(`Could not load this view: ${error.message}`, "error"));
  }
  view.dataset.ready = "true";
}

function render() {
  document.getElementById("view").dataset.ready = "false";
  renderTabs();
  renderSelector();
  return renderView();
}

function choose() {
  const ids = state.strategies.map((s) => s.id);
  if (!ids.includes(state.selected)) {
    const primary = state.strategies.find((s) => s.is_primary);
    state.selected = primary ? primary.id : ids[0] || null;
  }
  state.compareIds = state.compareIds.filter((id) => ids.includes(id));
  if (state.compareIds.length < 2) state.compareIds = ids.slice(0, Math.min(ids.length, 3));
}

async function start() {
  for (const tab of document.querySelectorAll("#tabs .tab")) {
    tab.addEventListener("click", () => { state.view = tab.dataset.view; save("view", state.view); render(); });
  }
  document.getElementById("compare-toggle").addEventListener("change", (e) => {
    state.compare = e.target.checked; save("compare", state.compare); render();
  });
  document.getElementById("log-toggle").addEventListener("change", (e) => {
    state.log = e.target.checked; save("log", state.log); render();
  });
  try {
    const [list, status] = await Promise.all([get("/api/strategies"), get("/api/status/strategies")]);
    state.strategies = list.strategies;
    state.status = status.strategies;
  } catch (error) {
    document.getElementById("view").append(notice(`The API is not answering: ${error.message}`, "error"));
    return;
  }
  choose();
  renderHealth();
  await render();
}

start();
