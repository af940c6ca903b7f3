/**
 * What the page currently shows, in one object shared by the panels. Everything is
 * derived from values visible in the form (grammar spec or file, seeds, noise level),
 * so a screen can be reproduced exactly.
 */
import type { BPResult } from "@ghmkit/bp";
import type { Grammar } from "@ghmkit/ghm";
import type { GrammarSpec } from "../model/grammarSpec";
import type { NoiseSetting, Observation } from "../model/noise";
import type { TreeLayout } from "../view/layout";
import type { LoadedUNet } from "../net/loadUNet";
import type { BrowserBackendPreference } from "@ghmkit/tensor";

export type NetModule = typeof import("../net/index");

export interface DemoState {
  grammar: Grammar;
  /** The spec it was built from, or null for a grammar loaded from a file. */
  spec: GrammarSpec | null;
  /** How the grammar was obtained, for the page and the e2e test. */
  grammarSource: string;
  layout: TreeLayout;
  sampleSeed: number;
  /** The sampled tree: tree[l] = `[m^l]`, leaves x = tree[L]. */
  tree: Int32Array[];
  noiseSeed: number;
  noise: NoiseSetting;
  obs: Observation | null;
  bp: BPResult | null;
  unet: LoadedUNet | null;
  /** U-Net leaf probabilities for the current observation (null until computed). */
  unetProbs: Float64Array | null;
  backendPref: BrowserBackendPreference;
  backend: string | null;
  /** Bumped at every recomputation; async results for an older version are dropped. */
  version: number;
}

/** The leaves of the current sample. */
export function leaves(st: DemoState): Int32Array {
  return st.tree[st.grammar.depth];
}
