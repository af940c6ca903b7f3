/** The built-in default grammar shape and seed, shared with the experiments. */
export { DEFAULT_RHM } from "@ghmkit/experiments";
