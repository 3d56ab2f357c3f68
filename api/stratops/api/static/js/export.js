// Export buttons: CSV of any table, PNG of any chart, added to every panel of a view.

import { h } from "./dom.js";

function csvCell(text) {
  const value = text.replace(/\s+/g, " ").trim();
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function tableCsv(table) {
  return Array.from(table.querySelectorAll("tr"))
    .map((row) => Array.from(row.querySelectorAll("th, td")).map((c) => csvCell(c.innerText)).join(","))
    .join("\n") + "\n";
}

function download(name, href) {
  const link = h("a", { href, download: name, class: "hidden" });
  document.body.append(link);
  link.click();
  link.remove();
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "export";
}

// The chart's canvas on the page background, so the PNG reads like the screen.
export function chartPng(chartEl) {
  const source = chartEl.querySelector("canvas");
  const out = document.createElement("canvas");
  out.width = source.width;
  out.height = source.height;
  const ctx = out.getContext("2d");
  ctx.fillStyle = getComputedStyle(document.body).backgroundColor || "#0d1117";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  return out.toDataURL("image/png");
}

function button(label, title, onclick) {
  return h("button", { type: "button", class: "export", title, onclick }, label);
}

export function addExports(view, prefix) {
  for (const panel of view.querySelectorAll(".panel")) {
    const title = panel.querySelector("h2");
    if (!title || panel.querySelector(".exports")) continue;
    const name = `${prefix}-${slug(title.textContent)}`;
    const actions = h("span", { class: "exports" });
    panel.querySelectorAll("table").forEach((table, i) => {
      if (table.closest(".u-legend")) return;
      actions.append(button("CSV", "Download this table as CSV", () =>
        download(`${name}${i ? `-${i + 1}` : ""}.csv`,
          `data:text/csv;charset=utf-8,${encodeURIComponent(tableCsv(table))}`)));
    });
    panel.querySelectorAll(".chart").forEach((chart, i) => {
      if (!chart.querySelector("canvas")) return;
      actions.append(button("PNG", "Download this chart as PNG", () =>
        download(`${name}${i ? `-${i + 1}` : ""}.png`, chartPng(chart))));
    });
    if (actions.childElementCount) title.append(actions);
  }
}
