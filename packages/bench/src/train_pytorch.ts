/**
 * A same-run PyTorch-CPU reference for the training benchmark: the very network `ghm train`
 * trains, rebuilt layer for layer in PyTorch from the tfjs model's graph (Dense, Reshape,
 * Concatenate; the parameter count is checked), trained with the same loss (mean softmax
 * cross-entropy), Adam, batch and shapes, in a python3 process whose blocks of timed steps
 * take turns with the benchmark's own. Its batches are four fixed random ones: PyTorch gets
 * its data for free, while ghmkit's steps include taking a sampled batch. PyTorch is not a
 * dependency: this runs where some python3 imports torch (Debian's python3-torch installs it
 * for /usr/bin/python3), and says why not elsewhere.
 */
import { spawnSync } from "node:child_process";
import type { tf } from "@ghmkit/tensor";
import { graphPlan } from "@ghmkit/train";
import { LineProcess } from "./line_process";

/** A layer of the graph the python side rebuilds, in the model's order (inputs come first). */
export type GraphLayer =
  | { kind: "input"; name: string }
  | { kind: "dense"; name: string; inputs: [string]; in: number; units: number; activation: "relu" | "linear" }
  | { kind: "reshape"; name: string; inputs: [string]; shape: number[] }
  | { kind: "concat"; name: string; inputs: string[] };

export interface ModelGraph {
  layers: GraphLayer[];
  output: string;
  /** The input's shape without the batch axis. */
  inputShape: number[];
  /** The logits' last axis: the classes of the cross-entropy. */
  classes: number;
  params: number;
}

/**
 * The graph of a tfjs LayersModel for the python side, from train's graphPlan (the layers
 * the training step runs without the tape are the layers PyTorch rebuilds), or why it cannot
 * be rebuilt.
 */
export function modelGraph(model: tf.LayersModel): ModelGraph | string {
  const plan = graphPlan(model);
  if (typeof plan === "string") return `no PyTorch twin: ${plan}`;
  const layers = plan.nodes.map((n): GraphLayer => {
    if (n.kind === "dense") {
      const [K, N] = n.kernel.shape as [number, number];
      return { kind: "dense", name: n.name, inputs: [n.input], in: K, units: N, activation: n.activation };
    }
    if (n.kind === "reshape") return { kind: "reshape", name: n.name, inputs: [n.input], shape: n.shape };
    return n;
  });
  const outShape = model.outputs[0].shape;
  return {
    layers,
    output: plan.output,
    inputShape: model.inputs[0].shape.slice(1) as number[],
    classes: outShape[outShape.length - 1] as number,
    params: model.countParams(),
  };
}

/** One thread setting of the PyTorch step: torch's intra-op threads and OpenBLAS's (null: not OpenBLAS). */
export interface PytorchSetting {
  torchThreads: number;
  blasThreads: number | null;
}

const SCRIPT = `import json, sys, time
import torch
import torch.nn.functional as F
spec = json.loads(sys.stdin.readline())
g = spec["graph"]
torch.manual_seed(0)
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = torch.nn.ModuleDict({l["name"]: torch.nn.Linear(l["in"], l["units"]) for l in g["layers"] if l["kind"] == "dense"})
    def forward(self, x):
        v = {}
        for l in g["layers"]:
            k = l["kind"]
            if k == "input":
                v[l["name"]] = x
            elif k == "dense":
                h = self.dense[l["name"]](v[l["inputs"][0]])
                v[l["name"]] = torch.relu(h) if l["activation"] == "relu" else h
            elif k == "reshape":
                v[l["name"]] = v[l["inputs"][0]].reshape(x.shape[0], *l["shape"])
            else:
                v[l["name"]] = torch.cat([v[i] for i in l["inputs"]], -1)
        return v[g["output"]]
net = Net()
params = sum(p.numel() for p in net.parameters())
if params != g["params"]:
    sys.exit(f"rebuilt network has {params} parameters, the tfjs model {g['params']}")
opt = torch.optim.Adam(net.parameters(), lr=spec["lr"], betas=(0.9, 0.999), eps=1e-7)
B, C = spec["batch"], g["classes"]
data = [(torch.randn(B, *g["inputShape"]), torch.randint(0, C, (B, *g["inputShape"][:-1]))) for _ in range(4)]
loss = None
i = 0
def step():
    global loss, i
    x, t = data[i % len(data)]
    i += 1
    opt.zero_grad(set_to_none=True)
    out = F.cross_entropy(net(x).reshape(-1, C), t.reshape(-1))
    out.backward()
    opt.step()
    loss = out.item()
# (torch threads, BLAS threads): OpenBLAS's own threads on top of torch's oversubscribe the
# cores (a third of the speed at d = 64 on 2 cores), so torch's threads > 1 go with BLAS on 1.
try:
    import ctypes
    blas = ctypes.CDLL("libblas.so.3")
    blas_threads = blas.openblas_get_num_threads()
except Exception:
    blas = None
cores = spec["cores"]
settings = [(1, None)] if blas is None else [(1, blas_threads), (1, 1)] + ([(cores, 1)] if cores > 1 else [])
def use(s):
    torch.set_num_threads(s[0])
    if blas is not None:
        blas.openblas_set_num_threads(s[1])
for s in settings:
    use(s)
    for _ in range(spec["warmup"]):
        step()
print(json.dumps({"torch": torch.__version__, "settings": settings}), flush=True)
for line in sys.stdin:
    if line.strip() == "quit":
        break
    n = int(line.split()[1])
    ms = []
    for s in settings:
        use(s)
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        ms.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"ms": ms, "loss": loss}), flush=True)
`;

/** torchPython's answers, by GHM_TORCH_PYTHON's value (each answer costs a python3 start). */
const found = new Map<string, { python: string; torch: string } | string>();

/**
 * The python3 that imports torch here: GHM_TORCH_PYTHON if set, else python3 on the PATH,
 * else /usr/bin/python3 (where Debian's python3-torch goes); or why there is none.
 */
export function torchPython(): { python: string; torch: string } | string {
  const wanted = process.env.GHM_TORCH_PYTHON ?? "";
  let answer = found.get(wanted);
  if (answer === undefined) {
    answer = findTorchPython(wanted ? [wanted] : ["python3", "/usr/bin/python3"]);
    found.set(wanted, answer);
  }
  return answer;
}

function findTorchPython(candidates: string[]): { python: string; torch: string } | string {
  const why: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    if (r.status === 0) return { python, torch: r.stdout.trim() };
    why.push(`${python}: ${(r.error?.message ?? r.stderr.trim().split("\n").pop() ?? "").trim()}`);
  }
  return `no python3 here imports torch (${why.join("; ")}); install python3-torch or set GHM_TORCH_PYTHON`;
}

export interface PytorchOptions {
  batch: number;
  /** Untimed steps per thread setting at the start. */
  warmup: number;
  /** The settings: torch on 1 thread with OpenBLAS on its default and on 1, and torch on `cores` with OpenBLAS on 1. */
  cores: number;
  lr: number;
}

/**
 * The graph's training step in PyTorch, in a python3 process kept running: each block()
 * times n steps under every thread setting in turn, so that the bench can step its own
 * runs in between (see the file comment).
 */
export class PytorchStep {
  private constructor(
    private readonly proc: LineProcess,
    readonly python: string,
    readonly torch: string,
    readonly settings: PytorchSetting[],
  ) {}

  /** Builds the network and runs the warm-up steps; rejects with why PyTorch cannot run it. */
  static async start(graph: ModelGraph, o: PytorchOptions): Promise<PytorchStep> {
    const py = torchPython();
    if (typeof py === "string") throw new Error(py);
    const proc = new LineProcess("the PyTorch step", py.python, ["-c", SCRIPT]);
    try {
      const ready = JSON.parse(await proc.ask(JSON.stringify({ graph, ...o }))) as {
        torch: string;
        settings: [number, number | null][];
      };
      const settings = ready.settings.map(([torchThreads, blasThreads]) => ({ torchThreads, blasThreads }));
      return new PytorchStep(proc, py.python, ready.torch, settings);
    } catch (err) {
      proc.close("quit");
      throw err;
    }
  }

  /** n timed steps under each setting in turn: their wall-clock ms (in settings' order) and the last loss. */
  async block(n: number): Promise<{ ms: number[]; loss: number }> {
    return JSON.parse(await this.proc.ask(`block ${n}`)) as { ms: number[]; loss: number };
  }

  close(): void {
    this.proc.close("quit");
  }
}
