import * as fs from "node:fs";
import type { Denoiser } from "@ghmkit/diffusion";
import { type Grammar, leafCount } from "@ghmkit/ghm";
import { denoiserShape } from "@ghmkit/nets";
import { loadUNetDenoiser } from "@ghmkit/train";
import { useBackend } from "./backend";
import { asUserInputAsync, UserError } from "./errors";

/** A trained U-Net (model directory or training run) behind the Denoiser interface, checked against the grammar. */
export async function loadNetDenoiser(g: Grammar, dir: string, backend?: string): Promise<Denoiser> {
  if (!fs.existsSync(dir))
    throw new UserError(
      `--denoiser ${dir}: no such model directory (use bp, bp-joint, or a directory from \`ghm train denoiser\`)`,
    );
  await useBackend(backend);
  const loaded = await asUserInputAsync(`--denoiser ${dir}`, () => loadUNetDenoiser(dir));
  const { d, S } = denoiserShape(loaded.model);
  if (d !== leafCount(g) || S !== g.vocab[g.depth]) {
    loaded.dispose();
    throw new UserError(
      `--denoiser ${dir}: the network takes d = ${d}, S = ${S}, the grammar has d = ${leafCount(g)}, S_L = ${g.vocab[g.depth]}: use the grammar it was trained on`,
    );
  }
  return loaded.denoiser;
}
