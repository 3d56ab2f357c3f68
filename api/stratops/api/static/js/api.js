// The dashboard's only data source: the read API of the same origin.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

// Thrown when a newer view replaced the one that asked: the caller just stops.
export class Cancelled extends Error {
  constructor() {
    super("cancelled");
    this.name = "Cancelled";
  }
}

export function isCancelled(error) {
  return error instanceof Cancelled || (error && error.name === "AbortError");
}

export async function get(path, params = {}, signal = undefined) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, item);
  }
  const url = query.size ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
  const body = await response.json().catch(() => ({}));
  // Even a finished request is dropped when its view was replaced meanwhile.
  if (signal && signal.aborted) throw new Cancelled();
  if (!response.ok) {
    const detail = typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`;
    throw new ApiError(response.status, detail);
  }
  return body;
}
