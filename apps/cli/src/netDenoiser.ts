import type { Denoiser } from "@ghmkit/diffusion";
import type { Grammar } from "@ghmkit/ghm";
import { UserError } from "./errors";

/** Placeholder until the U-Net adapter lands in @ghmkit/train (replaced in the next commit). */
export async function loadNetDenoiser(_g: Grammar, dir: string, _backend?: string): Promise<Denoiser> {
  throw new UserError(`--denoiser ${dir}: network denoisers are not wired yet`);
}
