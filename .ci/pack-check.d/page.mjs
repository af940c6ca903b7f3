// Browser side of .ci/pack-check: bundled by esbuild for the browser (browser conditions)
// from the installed tarballs, run in headless Chromium; the result lands on window.
import * as ghm from "@ghmkit/ghm";
import * as bp from "@ghmkit/bp";
import * as diffusion from "@ghmkit/diffusion";
import * as nets from "@ghmkit/nets";
import * as tensor from "@ghmkit/tensor";
import { compute } from "./compute.mjs";

window.__packCheck = compute({ ghm, bp, diffusion, nets, tensor }, "cpu").then(
  (r) => ({ ok: true, ...r }),
  (e) => ({ ok: false, error: String(e && e.stack ? e.stack : e) }),
);
