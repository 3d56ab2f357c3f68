// The dashboard shell: tabs from the view registry, strategy selector, toggles, date
// range, health pills; one view at a time, an older view's loads cancelled.

import { get, isCancelled } from "./api.js";
import { destroyCharts, PALETTE } from "./charts.js";
import { clear, h, notice } from "./dom.js";
import { addExports } from "./export.js";
import { usd, when } from "./format.js";
import { load, save } from "./store.js";
import { VIEWS, viewOf } from "./views/registry.js";

const state = {
  strategies: [],
  status: {},
  overview: {},
  view: viewOf(load("view", "overview")).id,
  selected: load("strategy", null),
  compare: load("compare", false),
  compareIds: load("compareIds", []),
  log: load("log", false),
  range: load("range", { start: "", end: "" }),
};
let current = null; // the AbortController of the view being drawn

const HEALTH_TEXT = { ok: "on schedule", stale: "stale", failing: "failing" };

function multiSelect() {
  return state.view === "backtest-compare" || (state.view === "performance" && state.compare);
}

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
  multiSelect() ? h("span", { class: "swatch", style: `background:${PALETTE[index % PALETTE.length]}` }) : null,
  h("span", { class: "chip-name" }, s.display_name),
  s.is_primary ? h("span", { class: "badge" }, "primary") : null);
}

function renderSelector() {
  const host = clear(document.getElementById("selector"));
  const ids = state.compareIds;
  state.strategies.forEach((s) => {
    if (multiSelect()) {
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
  document.getElementById("range-start").value = state.range.start || "";
  document.getElementById("range-end").value = state.range.end || "";
}

function renderTabs() {
  const host = document.getElementById("tabs");
  if (!host.childElementCount) {
    for (const v of VIEWS) {
      host.append(h("button", { type: "button", class: "tab", dataset: { view: v.id },
        onclick: () => { state.view = v.id; save("view", v.id); render(); } }, v.label));
    }
  }
  for (const tab of host.querySelectorAll(".tab")) {
    tab.classList.toggle("active", tab.dataset.view === state.view);
    tab.setAttribute("aria-current", tab.dataset.view === state.view ? "page" : "false");
  }
  const controls = new Set(viewOf(state.view).controls);
  const show = (id, on) => document.getElementById(id).classList.toggle("hidden", !on);
  show("toolbar", controls.size > 0);
  show("selector", controls.has("selector"));
  show("compare-switch", controls.has("compare"));
  show("log-switch", controls.has("log"));
  show("range", controls.has("range") && !(state.view === "performance" && state.compare));
}

function context(signal) {
  return {
    signal,
    get: (path, params) => get(path, params, signal),
    strategies: state.strategies,
    status: state.status,
    overview: state.overview,
    names: Object.fromEntries(state.strategies.map((s) => [s.id, s.display_name])),
    selected: state.selected,
    summary: state.strategies.find((s) => s.id === state.selected),
    compare: state.compare,
    compareIds: state.compareIds,
    log: state.log,
    range: { start: state.range.start || null, end: state.range.end || null },
    rerender: () => render(),
    open: (view, strategyId) => {
      state.view = view; save("view", view);
      if (strategyId) { state.selected = strategyId; save("strategy", strategyId); }
      render();
    },
  };
}

async function renderView() {
  if (current) current.abort();
  const controller = new AbortController();
  current = controller;
  destroyCharts();
  const view = clear(document.getElementById("view"));
  view.dataset.view = state.view;
  view.dataset.ready = "false";
  try {
    if (!state.strategies.length && state.view !== "backtest") {
      view.append(notice("No strategies yet. Run `stratops run-all` (or `stratops demo`) and reload.", "info"));
    } else {
      await viewOf(state.view).render(view, context(controller.signal));
    }
  } catch (error) {
    if (isCancelled(error)) return; // a newer view owns the page now
    view.append(notice(`Could not load this view: ${error.message}`, "error"));
  }
  if (controller.signal.aborted) return;
  addExports(view, state.view);
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

function bindControls() {
  document.getElementById("compare-toggle").addEventListener("change", (e) => {
    state.compare = e.target.checked; save("compare", state.compare); render();
  });
  document.getElementById("log-toggle").addEventListener("change", (e) => {
    state.log = e.target.checked; save("log", state.log); render();
  });
  const range = () => {
    state.range = { start: document.getElementById("range-start").value, end: document.getElementById("range-end").value };
    save("range", state.range); render();
  };
  document.getElementById("range-start").addEventListener("change", range);
  document.getElementById("range-end").addEventListener("change", range);
  document.getElementById("range-clear").addEventListener("click", () => {
    document.getElementById("range-start").value = "";
    document.getElementById("range-end").value = "";
    range();
  });
}

async function start() {
  bindControls();
  renderTabs();
  try {
    const [list, status, overview] = await Promise.all(
      [get("/api/strategies"), get("/api/status/strategies"), get("/api/overview")]);
    state.strategies = list.strategies;
    state.status = status.strategies;
    state.overview = overview.strategies;
  } catch (error) {
    document.getElementById("view").append(notice(`The API is not answering: ${error.message}`, "error"));
    return;
  }
  choose();
  renderHealth();
  await render();
}

start();
