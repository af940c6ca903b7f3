export * from "./grammar";
export * from "./rng";
export * from "./evidence";
export * from "./sample";
