// Tiny DOM helpers: elements are built with textContent, never innerHTML, so
// strategy names or trade reasons from the database can never inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function panel(title, ...body) {
  return h("section", { class: "panel" }, h("h2", {}, title), ...body);
}

export function notice(text, kind = "info") {
  return h("div", { class: `notice ${kind}` }, text);
}

// The label every view shows above data that came from the synthetic generator.
export function syntheticLabel(what = "These numbers") {
  return h("div", { class: "notice warn synthetic-label", role: "note" },
    h("strong", {}, "Synthetic data. "),
    `${what} come from the bundled market-data generator, not the market.`);
}

// A table inside a horizontal scroller, so a wide table never widens the page.
export function scroller(table) {
  return h("div", { class: "table-scroll" }, table);
}
