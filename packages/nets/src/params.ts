/**
 * Parameter counts from the config alone, so a size that cannot fit is refused before
 * any weight is allocated (and tests check the built models against these formulas).
 */
import type { BuiltinArch, NetConfig, Task } from "./config";

/** Refuse models above this many weights (400 MB of float32). */
export const MAX_PARAMS = 100_000_000;

/** Weights + biases of the parameter count of `arch` for `task` under `cfg`. */
export function expectedParamCount(arch: BuiltinArch, task: Task, cfg: NetConfig): number {
  const { width: W, arity: m, channels: S, classes: C, depth: L, extraConvs: E } = cfg;
  const d = m ** L;
  const dense = (nIn: number, nOut: number): number => nIn * nOut + nOut;
  const extras = E * dense(W, W);
  const head = task === "classifier" ? dense(W, C) : dense(W, S);
  // L non-overlapping blocks: the first reads S_L channels, the others W.
  const encoder = dense(m * S, W) + (L - 1) * dense(m * W, W) + L * extras;
  switch (arch) {
    case "convnet":
      return encoder + head;
    case "unet":
    case "unet-noskip": {
      let decoder = 0;
      for (let l = 1; l <= L; l++) {
        const skip = arch === "unet" ? (l === L ? S : W) : 0;
        decoder += dense(W, m * W) + dense(W + skip, W) + extras;
      }
      return encoder + decoder + head;
    }
    case "flat": {
      const nb = task === "classifier" ? L : 2 * L;
      return dense(m * S, W) + (nb - 1) * dense(m * W, W) + nb * extras + head;
    }
    case "mlp": {
      const nb = task === "classifier" ? L : 2 * L;
      const out = task === "classifier" ? dense(W, C) : dense(W, d * S);
      return dense(d * S, W) + (nb - 1) * dense(W, W) + nb * extras + out;
    }
  }
}
