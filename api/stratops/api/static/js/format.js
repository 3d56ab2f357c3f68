// Number and date formatting shared by every view.

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 });

export const dash = "–";

export function usd(value) {
  return value === null || value === undefined ? dash : money.format(value);
}

export function pct(value, signed = true) {
  if (value === null || value === undefined) return dash;
  const sign = signed && value > 0 ? "+" : "";
  return `${sign}${plain.format(value)} %`;
}

export function num(value, signed = false) {
  if (value === null || value === undefined) return dash;
  const sign = signed && value > 0 ? "+" : "";
  return sign + plain.format(value);
}

export function toSeconds(isoDate) {
  const [y, m, d] = isoDate.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}

export function when(isoDateTime) {
  if (!isoDateTime) return dash;
  const at = new Date(isoDateTime);
  return at.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

export const CELL_NAMES = {
  1: "Kill zone", 2: "Fragile", 3: "Drift", 4: "Chop", 5: "Grind", 6: "Crash",
};

export function cellOf(label) {
  const match = /(\d)/.exec(label || "");
  return match ? Number(match[1]) : null;
}
