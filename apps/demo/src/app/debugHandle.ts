/**
 * `window.__ghmDemo`: the page's current numbers in plain JSON-able form, so the
 * end-to-end test can recompute them in Node with the same packages and compare.
 * Nothing in the page reads it.
 */
export interface DemoHandle {
  version: number;
  grammarSource: string;
  /** ghm/v1 JSON of the grammar on screen. */
  grammar: unknown;
  sampleSeed: number;
  noiseSeed: number;
  noise: unknown;
  tree: number[][];
  x: number[];
  /** Leaf evidence `[d * S]` of the current observation. */
  evidence: number[];
  abar: number;
  marginals: number[][];
  root: number[];
  logZ: number;
  mse: Record<string, number | null>;
  unet: { source: string; d: number; S: number; probs: number[] | null } | null;
  backend: string | null;
  sampler: unknown;
  fb: unknown;
}

declare global {
  interface Window {
    __ghmDemo?: Partial<DemoHandle>;
  }
}

export function publish(part: Partial<DemoHandle>): void {
  window.__ghmDemo = { ...window.__ghmDemo, ...part };
}
