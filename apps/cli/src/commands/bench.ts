import type { Command } from "commander";
import {
  benchBP,
  benchCompiledBP,
  benchDiffusion,
  benchCompiledModels,
  benchTrainStep,
  DEFAULT_SHAPE_BENCH,
  peerDir,
  PYTORCH_CPU_DEFAULT_SHAPE_STEPS_PER_SEC,
  PYTORCH_CPU_STEPS_PER_SEC,
} from "@ghmkit/bench";
import type { BenchResult } from "@ghmkit/bench";
import type { Context } from "../program";
import { backendOption, shortBackend, useBackend } from "../backend";
import { UserError } from "../errors";
import { fmt, report, table } from "../output";

const SUITES = ["bp", "compiled", "train", "diffusion"] as const;
type Suite = (typeof SUITES)[number];

/**
 * `ghm bench`: every throughput figure of the project, each next to a reference
 * measured in the same run (a naive BP, numpy, the float64 engine, PyTorch-CPU where a
 * python3 imports torch, the PyTorch peer's BpRhm given its checkout), and the rates
 * issue 14 recorded. The suites are @ghmkit/bench's. Wall time and process CPU time are both reported: on a
 * shared machine CPU time estimates the unloaded single-core rate.
 */
export function registerBench(program: Command, ctx: Context): void {
  program
    .command("bench")
    .description("throughput benchmarks: exact BP, BP-compiled U-Net, U-Net training steps, BP-driven diffusion")
    .argument("[suites...]", `any of ${SUITES.join(", ")} (default: all)`)
    .option("--quick", "fewer repetitions (a smoke run; figures are noisier)")
    .option(
      "--peer-rhm <dir>",
      "a checkout of github.com/AntonioScl/minimal_diffusion_rhm: bench bp times its BpRhm (PyTorch) in the same run (default: $GHM_PEER_RHM_DIR)",
    )
    .addOption(backendOption())
    .action(async (suites: string[], o, cmd: Command) => {
      const flags = ctx.flags(cmd);
      const bad = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
      if (bad.length) throw new UserError(`unknown bench suite(s) ${bad.join(", ")}: choose from ${SUITES.join(", ")}`);
      const chosen = (suites.length ? suites : [...SUITES]) as Suite[];
      const note = (s: string): void => {
        if (!flags.quiet && !flags.json) ctx.con.err(s);
      };
      const results: Record<string, unknown> = {};
      const lines: string[] = [];
      if (chosen.some((s) => s !== "bp" && s !== "diffusion")) {
        const info = await useBackend(o.backend);
        results.backend = info;
        lines.push(`TensorFlow.js backend: ${shortBackend(info)}`);
      }
      if (chosen.includes("bp")) {
        if (o.peerRhm !== undefined) {
          const where = peerDir(o.peerRhm as string);
          if ("skipped" in where) throw new UserError(`--peer-rhm: ${where.skipped}`);
        }
        note(
          "bench bp: exact float64 BP, product m=2 L=10 S=16 and RHM S=32 k=4 m=2 L=6, batch 256, beside numpy's GEMM BP (interleaved) ...",
        );
        const r = await benchBP({
          peerDir: o.peerRhm as string | undefined,
          repeats: o.quick ? 3 : 7,
          naiveBatch: o.quick ? 4 : 16,
          scaling: o.quick ? "quick" : true,
        });
        results.bp = r;
        lines.push(
          "exact BP (float64, up + down + marginals), batch 256:",
          table(
            [
              "case",
              "seq/s (wall)",
              "seq/s (CPU)",
              "pooled seq/s",
              "memory/seq",
              "numpy seq/s",
              "vs numpy",
              "pooled vs numpy",
              "numpy 1 thread",
              "vs numpy 1 thread",
              "numpy memory/seq",
              "naive seq/s",
              "vs naive",
            ],
            r.cases.map((c) => [
              c.name,
              fmt(c.sequencesPerSecond),
              fmt(c.cpuSequencesPerSecond),
              c.pool ? `${fmt(c.pool.sequencesPerSecond)} (${c.pool.threads} threads)` : "-",
              `${fmt(c.defaultBytesPerSequence / 1024)} KiB`,
              c.numpy ? fmt(c.numpy.sequencesPerSecond) : "-",
              c.vsNumpy ? `${fmt(c.vsNumpy.median, 3)}x (${fmt(c.vsNumpy.min, 3)}-${fmt(c.vsNumpy.max, 3)})` : "-",
              c.pool?.vsNumpy
                ? `${fmt(c.pool.vsNumpy.median, 3)}x (${fmt(c.pool.vsNumpy.min, 3)}-${fmt(c.pool.vsNumpy.max, 3)})`
                : "-",
              c.numpyOneThread ? fmt(c.numpyOneThread.sequencesPerSecond) : "-",
              c.vsNumpyOneThread
                ? `${fmt(c.vsNumpyOneThread.median, 3)}x (${fmt(c.vsNumpyOneThread.min, 3)}-${fmt(c.vsNumpyOneThread.max, 3)})`
                : "-",
              c.numpy ? `${fmt(c.numpy.peakBytesPerSequence / 1024)} KiB` : "-",
              c.naive ? fmt(c.naive.sequencesPerSecond) : "-",
              c.speedup ? `${fmt(c.speedup, 3)}x` : "-",
            ]),
          ),
          "the same against the faster numpy setting of each repetition, with fresh result arrays and with runBP({ into }) writing over the last call's:",
          table(
            ["case", "best numpy seq/s", "runBP", "pooled", "runBP into", "pooled into"],
            r.cases.map((c) => {
              const cell = (rate: { sequencesPerSecond: number } | null, vs: typeof c.vsBestNumpy): string =>
                rate
                  ? `${fmt(rate.sequencesPerSecond)}${vs ? ` = ${fmt(vs.median, 3)}x (${fmt(vs.min, 3)}-${fmt(vs.max, 3)})` : ""}`
                  : "-";
              return [
                c.name,
                c.bestNumpy ? fmt(c.bestNumpy.sequencesPerSecond) : "-",
                cell(c, c.vsBestNumpy),
                cell(c.pool, c.poolVsBestNumpy),
                cell(c.reused.single, c.reused.single.vsBestNumpy),
                cell(c.reused.pooled, c.reused.pooled?.vsBestNumpy ?? null),
              ];
            }),
          ),
          ...r.cases.flatMap((c) => [
            ...(c.referenceSkipped ? [`${c.name}: numpy reference skipped (${c.referenceSkipped})`] : []),
            ...(c.pool && !c.pool.identical ? [`${c.name}: the pooled results differ from one thread's (a bug)`] : []),
            ...(c.peer === null
              ? []
              : "skipped" in c.peer
                ? [`${c.name}: the PyTorch peer BpRhm in the same run: skipped (${c.peer.skipped})`]
                : [
                    `${c.name}: the PyTorch peer BpRhm in the same run (torch ${c.peer.torch}, ${c.peer.threads} thread(s), float32, interleaved): ${fmt(c.peer.sequencesPerSecond)} seq/s; runBP/peer ${fmt(c.vsPeerSameRun?.median ?? NaN)}x (pairs ${fmt(c.vsPeerSameRun?.min ?? NaN)}-${fmt(c.vsPeerSameRun?.max ?? NaN)}x)` +
                      (c.pool?.vsPeerSameRun ? `, pooled ${fmt(c.pool.vsPeerSameRun.median)}x` : "") +
                      `; its marginals agree with runBP's to ${c.peer.agreement.maxAbsLeafMarginal.toExponential(1)} (leaves) and ${c.peer.agreement.maxAbsRoot.toExponential(1)} (root)`,
                  ]),
            ...(c.vsPeer
              ? [
                  `${c.name}: PyTorch peer BpRhm ${c.vsPeer.recorded.join("-")} seq/s as recorded in issue 14: runBP/peer ${fmt(c.vsPeer.ratio[0])}-${fmt(c.vsPeer.ratio[1])}x` +
                    (c.pool?.vsPeer ? `, pooled ${fmt(c.pool.vsPeer.ratio[0])}-${fmt(c.pool.vsPeer.ratio[1])}x` : ""),
                ]
              : []),
          ]),
          ...(r.scaling ? [r.scaling.text] : []),
        );
      }
      if (chosen.includes("compiled")) {
        note(
          "bench compiled: BP-compiled U-Net (float32 tensors) vs float64 runBP, product m=2 L=10 S=16, batch 256 ...",
        );
        const r = await benchCompiledBP({ reps: o.quick ? 1 : 3 });
        results.compiled = r;
        lines.push(
          `BP-compiled U-Net on ${r.backend}, product m=${r.arity} L=${r.depth} S=${r.vocab}, batch ${r.batch}:`,
          table(
            ["", "seq/s (wall)", "seq/s (CPU)"],
            [
              ["compiled U-Net", fmt(r.compiledSeqPerSec), fmt(r.compiledCpuSeqPerSec)],
              ["runBP (float64)", fmt(r.bpSeqPerSec), fmt(r.bpCpuSeqPerSec)],
            ],
          ),
          `ratio ${fmt(r.ratio, 3)}x, max |difference| of leaf marginals ${fmt(r.maxAbsDiff)}`,
        );
        note(
          "bench compiled: compileBPModel's U-Net and ConvNet (exact and ReLU-approximated BP in nets' own networks) per kernel kind vs runBP, m=2 L=6 (errors also at L=2, 4), 64 tuples per level, batch 256 ...",
        );
        const k = await benchCompiledModels({ reps: o.quick ? 1 : 3 });
        results.compiledModels = k;
        lines.push(
          `BP compiled into nets' U-Net (model directory as ghm compile writes; activation lse) on ${k.backend}, batch ${k.cases[0]?.batch ?? 256}, vs float64 runBP on the same evidence:`,
          table(
            [
              "kind",
              "grammar",
              "width",
              "params",
              "U-Net seq/s (wall)",
              "(CPU)",
              "runBP seq/s (wall)",
              "(CPU)",
              "U-Net / runBP",
              "max |error|",
            ],
            k.cases.map((c) => [
              c.kind,
              c.grammar,
              c.width,
              c.params,
              fmt(c.compiledSeqPerSec),
              fmt(c.compiledCpuSeqPerSec),
              fmt(c.bpSeqPerSec),
              fmt(c.bpCpuSeqPerSec),
              `${fmt(c.ratio, 3)}x`,
              fmt(c.maxAbsError),
            ]),
          ),
        );
        const widths = k.cases[0]?.approx.map((a) => a.approxWidth) ?? [];
        if (widths.length) {
          lines.push(
            "The same U-Nets with exp and log as ReLU nets of W hidden units (activation lse-relu, ghm compile --approx-width W; same weights and parameters), timed like the exact one on the same evidence:",
            table(
              ["kind", "params", "exact seq/s", ...widths.map((w) => `W=${w} seq/s`), "runBP seq/s"],
              k.cases.map((c) => [
                c.kind,
                c.params,
                fmt(c.compiledSeqPerSec),
                ...c.approx.map((a) => `${fmt(a.seqPerSec)} (${fmt(a.ratio, 3)}x)`),
                fmt(c.bpSeqPerSec),
              ]),
            ),
            "Their max |error| of leaf marginals vs runBP against the depth L (same grammar family and batch at each L), beside the exact U-Net's:",
            table(
              ["kind", "L", "width", "params", "exact", ...widths.map((w) => `W=${w}`)],
              k.cases.flatMap((c) =>
                c.byDepth.map((row) => [
                  c.kind,
                  row.depth,
                  row.width,
                  row.params,
                  fmt(row.exactMaxAbsError),
                  ...row.approx.map((a) => fmt(a.maxAbsError)),
                ]),
              ),
            ),
          );
        }
        lines.push(
          "The classifier: BP's upward pass compiled into nets' ConvNet (ghm compile --arch convnet), vs runBP without the downward pass, same evidence:",
          table(
            [
              "kind",
              "width",
              "params",
              "ConvNet seq/s (wall)",
              "(CPU)",
              "runBP up seq/s (wall)",
              "(CPU)",
              "ConvNet / runBP",
              "max |error| (root)",
            ],
            k.cases.map((c) => [
              c.kind,
              c.convnet.width,
              c.convnet.params,
              fmt(c.convnet.seqPerSec),
              fmt(c.convnet.cpuSeqPerSec),
              fmt(c.convnet.bpSeqPerSec),
              fmt(c.convnet.bpCpuSeqPerSec),
              `${fmt(c.convnet.ratio, 3)}x`,
              fmt(c.convnet.maxAbsError),
            ]),
          ),
        );
      }
      if (chosen.includes("train")) {
        note(
          "bench train: ghm train's step on nets' U-Net (denoiser, RHM d=64 S=8, width 64, batch 64, online data, Adam) ...",
        );
        const r = await benchTrainStep({ steps: o.quick ? 5 : 60, compareStock: !o.quick });
        results.train = r;
        const rows: (string | number)[][] = [];
        const kt = r.config.kernelThreads;
        const floor = r.gemmFloor?.stepsPerSec ?? null;
        const torch = r.pytorch?.ok ? r.pytorch.pytorchStepsPerSec : null;
        for (const [name, run] of [
          [
            `custom kernels, products on ${kt} thread${kt > 1 ? "s" : ""}${r.config.gemmFma ? ", fused multiply-add" : ""} (default)`,
            r.active,
          ],
          ["custom kernels, products on 1 thread (GHM_KERNEL_THREADS=1)", r.oneKernelThread],
          ["custom kernels, plain multiply-add (GHM_GEMM_FMA=0)", r.plainMultiplyAdd],
          ["custom kernels, through tfjs's gradient tape (train's setGraphStep(false))", r.tape],
          ["custom kernels, heap SIMD loops off (JS loops, XNNPACK products)", r.jsLoops],
          ["stock wasm + Conv2DBackpropFilter", r.minimal],
          ["stock wasm", r.stock],
        ] as const) {
          if (!run) continue;
          if (run.ok)
            rows.push([
              name,
              fmt(run.stepsPerSec),
              fmt(1000 / run.cpuMsPerStep),
              fmt(run.dataMsPerStep),
              torch ? `${fmt(run.stepsPerSec / torch, 3)}x` : "-",
              `${fmt(run.ratioToPytorch, 3)}x`,
              floor ? `${fmt(run.stepsPerSec / floor, 3)}x` : "-",
            ]);
          else rows.push([name, "fails", "-", (run as { error?: string }).error ?? ""]);
        }
        const c = r.config;
        lines.push(
          `ghm train's step (nets' U-Net, ${c.params} parameters; denoiser on RHM d=${c.d} S=${c.S}, width ${c.filters}, batch ${c.batch}) on ${r.backend.name}, ${c.steps} steps after ${c.warmup} warm-up steps, ghm train's defaults (--threads 1; batches prefetched on a worker thread with 2+ cores) (PyTorch-CPU as recorded in issue 14: ${PYTORCH_CPU_STEPS_PER_SEC} steps/s):`,
          table(
            [
              "variant",
              "steps/s (wall)",
              "steps/s (CPU, all threads)",
              "batch ms/step (this thread)",
              "vs PyTorch (same run)",
              "vs PyTorch (recorded)",
              "vs GEMM floor",
            ],
            rows,
          ),
          pytorchLine(r),
          gemmFloorLine(r),
        );
        note("bench train: the same step at ghm train's default shape (RHM d=8 S=8, width 64, batch 64) ...");
        const small = await benchTrainStep({
          ...DEFAULT_SHAPE_BENCH,
          steps: o.quick ? 20 : 300,
          compareStock: false,
          threads: 1,
        });
        results.trainDefaultShape = small;
        const [lo, hi] = PYTORCH_CPU_DEFAULT_SHAPE_STEPS_PER_SEC;
        const smallTorch = small.pytorch?.ok ? small.pytorch : null;
        lines.push(
          small.active.ok
            ? `ghm train's default shape (d=8 S=8, ${small.config.params} parameters), ${small.config.steps} steps: ${fmt(small.active.stepsPerSec)} steps/s with products on ${small.config.kernelThreads} thread(s)${smallTorch ? ` (in turns with PyTorch-CPU: ${fmt(smallTorch.ratio, 3)}x; per round ${fmt(smallTorch.rounds.min, 3)}-${fmt(smallTorch.rounds.max, 3)}x)` : ""}; PyTorch-CPU ${lo}-${hi} steps/s as recorded in issue 14: ${fmt(small.active.stepsPerSec / hi, 3)}-${fmt(small.active.stepsPerSec / lo, 3)}x${small.oneKernelThread?.ok ? `; ${fmt(small.oneKernelThread.stepsPerSec)} with products on 1 thread` : ""}${small.tape?.ok ? `; ${fmt(small.tape.stepsPerSec)} through tfjs's gradient tape` : ""}${small.gemmFloor?.stepsPerSec ? `; ${fmt(small.active.stepsPerSec / small.gemmFloor.stepsPerSec, 3)}x its GEMM floor` : ""}\n${pytorchLine(small)}\n${gemmFloorLine(small)}`
            : `ghm train's default shape: failed (${small.active.error})`,
        );
        const t = r.threads;
        if (t)
          lines.push(
            t.ok
              ? `ghm train --threads ${t.threads} (data-parallel), alternating blocks of steps with 1 thread, medians: ${fmt(t.stepsPerSec)} steps/s vs ${fmt(t.oneThreadStepsPerSec)} on 1 thread (${fmt(t.ratio, 3)}x; ${torch ? `${fmt(t.stepsPerSec / torch, 3)}x PyTorch in the same run, ` : ""}${fmt(t.ratioToPytorch, 3)}x PyTorch as recorded)`
              : `ghm train --threads ${t.threads}: failed (${t.error})`,
          );
      }
      if (chosen.includes("diffusion")) {
        note(
          "bench diffusion: DDPM, 200 steps, default RHM (d=8 S=8): exact BP and nets' U-Net, each beside its denoiser alone ...",
        );
        const r = await benchDiffusion({ steps: 200, n: o.quick ? 100 : 1000, metrics: true });
        results.diffusion = r;
        const steps = r.config.steps ?? 200;
        const rows: (string | number)[][] = [
          [
            "BP-DDPM (exact BP denoiser)",
            fmt(r.bp.samplesPerSecond),
            fmt(r.bp.floorSamplesPerSecond),
            fmt(r.bp.ratioToFloor, 3),
          ],
        ];
        if (r.unet) {
          rows.push(
            [
              "U-Net DDPM, state on the backend",
              fmt(r.unet.device.samplesPerSecond),
              fmt(r.unet.device.floorSamplesPerSecond),
              fmt(r.unet.device.ratioToFloor, 3),
            ],
            [
              "U-Net DDPM, host loop (read every step)",
              fmt(r.unet.host.samplesPerSecond),
              fmt(r.unet.host.floorSamplesPerSecond),
              fmt(r.unet.host.ratioToFloor, 3),
            ],
          );
        }
        lines.push(
          `DDPM, ${steps} steps, ${r.config.n} samples in one batch` +
            (r.unet
              ? ` (U-Net: width ${r.unet.width}, ${r.unet.params} parameters, random weights, ${r.unet.backend})`
              : "") +
            ". Floor: n / the time inside the denoiser's calls of that run, one per step (BP: the runBP denoise call; U-Net: the forward pass):",
          table(["sampler", "samples/s", "floor samples/s", "share in the denoiser"], rows),
          r.metrics
            ? `BP samples: validity ${fmt(r.metrics.validity)}, class TV ${r.metrics.classTV === null ? "-" : fmt(r.metrics.classTV)}`
            : "",
        );
      }
      report(ctx.con, flags, results, () => lines.join("\n\n"));
    });
}

/** The GEMM-floor reference of a train benchmark, as one line (or why it is missing). */
function pytorchLine(r: BenchResult): string {
  const p = r.pytorch;
  if (p === undefined) return "PyTorch-CPU (same run): not measured";
  if (!p.ok) return `PyTorch-CPU (same run): not measured (${p.error})`;
  const settings = p.settings
    .map((s) => `${fmt(s.stepsPerSec)} (torch ${s.torchThreads} thread(s), BLAS ${s.blasThreads ?? "its own"})`)
    .join(", ");
  return `PyTorch-CPU (same run): the same network, loss, Adam and batch in torch ${p.torch} (${p.python}; fixed random batches), ${r.config.steps} steps per setting in ${p.rounds.count} rounds taken in turns with a fresh run of ghm train's defaults: PyTorch ${settings} steps/s; ghm ${fmt(p.stepsPerSec)} steps/s, ${fmt(p.ratio, 3)}x the fastest setting (per round: median ${fmt(p.rounds.median, 3)}x, ${fmt(p.rounds.min, 3)}-${fmt(p.rounds.max, 3)}x)`;
}

function gemmFloorLine(r: BenchResult): string {
  const f = r.gemmFloor;
  if (f === undefined) return "GEMM floor: not measured";
  const [a, b] = [f.before, f.after];
  if (!a.ok || !b.ok) return `GEMM floor: not measured (${!a.ok ? a.error : !b.ok ? b.error : ""})`;
  return `GEMM floor (same run): the step's ${fmt(a.macs / 1e6)}M float32 multiply-adds as numpy ${a.numpy} products (OpenBLAS, default threads), before / after the timed steps: ${fmt(a.stepsPerSec)} / ${fmt(b.stepsPerSec)} steps/s; no framework's step runs faster here now (PyTorch-CPU adds its per-op overhead to the same products)`;
}
