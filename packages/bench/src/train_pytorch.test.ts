import { initBackend, tf } from "@ghmkit/tensor";
import { openTrainingState } from "@ghmkit/train";
import { benchTrainConfig } from "./train";
import { modelGraph, PytorchStep, torchPython } from "./train_pytorch";

beforeAll(async () => {
  await initBackend("wasm");
});

function smallUNetGraph() {
  const st = openTrainingState({
    ...benchTrainConfig({ batch: 4, d: 8, S: 3, m: 2, filters: 4, seed: 0 }),
    prefetch: false,
  });
  try {
    return { graph: modelGraph(st.model), model: st.model, params: st.model.countParams() };
  } finally {
    st.dispose();
  }
}

test("modelGraph lists nets' U-Net layer by layer: every Dense with its sizes and activation, reshapes, skips", () => {
  const { graph, params } = smallUNetGraph();
  if (typeof graph === "string") throw new Error(graph);
  expect(graph.params).toBe(params);
  expect(graph.inputShape).toEqual([8, 3]);
  expect(graph.classes).toBe(3);
  expect(graph.layers[0]).toEqual({ kind: "input", name: "leaves" });
  expect(graph.output).toBe("logits");
  // Parameters counted from the graph alone: what the PyTorch twin allocates.
  const dense = graph.layers.flatMap((l) => (l.kind === "dense" ? [l] : []));
  expect(dense.reduce((s, l) => s + (l.in + 1) * l.units, 0)).toBe(params);
  expect(graph.layers.find((l) => l.name === "enc3_group")).toEqual({
    kind: "reshape",
    name: "enc3_group",
    inputs: ["leaves"],
    shape: [4, 6],
  });
  // The last decoder level concatenates the up-sampled parent with the input (the long skip).
  expect(graph.layers.find((l) => l.name === "dec3_skip")).toEqual({
    kind: "concat",
    name: "dec3_skip",
    inputs: ["dec3_split", "leaves"],
  });
  expect(dense.find((l) => l.name === "dec3_merge")).toMatchObject({ in: 4 + 3, units: 4, activation: "relu" });
  expect(dense.find((l) => l.name === "logits")).toMatchObject({ activation: "linear", units: 3 });
  // Every layer's inputs come before it.
  const seen = new Set<string>();
  for (const l of graph.layers) {
    if ("inputs" in l) for (const i of l.inputs) expect(seen.has(i)).toBe(true);
    seen.add(l.name);
  }
});

test("modelGraph says which layer has no PyTorch twin", () => {
  const input = tf.input({ shape: [4, 2] });
  const out = tf.layers.dense({ units: 2, activation: "tanh", name: "odd" }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  expect(modelGraph(model)).toMatch(/^no PyTorch twin: layer odd: activation tanh/);
  const conv = tf.layers.conv1d({ filters: 2, kernelSize: 2, name: "c" }).apply(input) as tf.SymbolicTensor;
  expect(modelGraph(tf.model({ inputs: input, outputs: conv }))).toMatch(/^no PyTorch twin: layer c: Conv1D /);
});

test("PytorchStep trains the same network in PyTorch where torch imports, and says why not elsewhere", async () => {
  const py = torchPython();
  const { graph } = smallUNetGraph();
  if (typeof graph === "string") throw new Error(graph);
  if (typeof py === "string") {
    expect(py).toMatch(/no python3 here imports torch/);
    await expect(PytorchStep.start(graph, { batch: 4, warmup: 1, cores: 2, lr: 0.003 })).rejects.toThrow(/torch/);
    return;
  }
  const torch = await PytorchStep.start(graph, { batch: 4, warmup: 1, cores: 2, lr: 0.003 });
  try {
    expect(torch.torch).toBe(py.torch);
    expect(torch.settings[0].torchThreads).toBe(1);
    const r = await torch.block(3);
    expect(r.ms).toHaveLength(torch.settings.length);
    for (const ms of r.ms) expect(ms).toBeGreaterThan(0);
    expect(Number.isFinite(r.loss)).toBe(true);
  } finally {
    torch.close();
  }
  // A graph whose parameter count disagrees is refused by the python side, with the reason.
  await expect(
    PytorchStep.start({ ...graph, params: graph.params + 1 }, { batch: 4, warmup: 1, cores: 2, lr: 0.003 }),
  ).rejects.toThrow(/rebuilt network has \d+ parameters/);
}, 120_000);
