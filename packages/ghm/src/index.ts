// The Node entry: the platform-neutral API (./browser) plus the file helpers (./node).
export * from "./browser";
export * from "./node";
