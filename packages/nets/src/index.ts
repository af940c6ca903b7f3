// The Node entry: the platform-neutral API (./browser) plus model directories on disk (./node).
export * from "./browser";
export * from "./node";
