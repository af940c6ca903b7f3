import { initBackend, setCustomWasmKernels, tf } from "@ghmkit/tensor";
import { type Arch, type Task, makeTrainConfig } from "./config";
import { graphPlan, graphStepGrads, graphStepReady, setGraphStep } from "./graphStep";
import { openTrainingState } from "./setup";
import { batchLoss } from "./stepLoss";
import { trainStep } from "./trainer";

beforeAll(async () => {
  await initBackend("wasm");
});

function config(task: Task, arch: Arch, activation = "relu") {
  return makeTrainConfig(task, arch, {
    grammar: { kind: "rhm", S: 4, classes: 3, k: 2, arity: 2, depth: 3, seed: 5 },
    data: { trainSize: 0, testSize: 16 },
    net: { width: 8, activation, extraConvs: 1 } as never,
    batchSize: 6,
    prefetch: false,
  });
}

const bits = (t: tf.Tensor): Uint32Array => new Uint32Array(Float32Array.from(t.dataSync()).buffer);

describe.each([
  ["denoiser", "unet"],
  ["denoiser", "unet-noskip"],
  ["classifier", "convnet"],
] as [Task, Arch][])("the step without the tape, %s %s", (task, arch) => {
  test("gives tf.variableGrads' loss and gradients bit for bit, on trained weights too", () => {
    const cfg = config(task, arch);
    const st = openTrainingState(cfg);
    try {
      const plan = graphPlan(st.model);
      if (!graphStepReady(plan)) throw new Error(`no plan: ${String(plan)}`);
      // A few steps first, so that the weights are not the initial ones (and ReLUs are cut both ways).
      for (let i = 0; i < 3; i++) trainStep(st, st.stream.next(), 0.01);
      const batch = st.stream.next();
      const { S, classes } = { S: st.g.vocab[st.g.depth], classes: st.g.vocab[0] };
      tf.tidy(() => {
        const fused = graphStepGrads(plan, st.vars, task, batch, classes, S);
        const tape = tf.variableGrads(batchLoss(st.model, task, batch, classes, S), st.vars);
        expect(bits(fused.value)).toEqual(bits(tape.value));
        st.vars.forEach((v, i) => {
          expect(fused.grads[i].shape).toEqual(v.shape);
          expect(bits(fused.grads[i])).toEqual(bits(tape.grads[v.name]));
        });
      });
    } finally {
      st.dispose();
    }
  });
});

test("trainStep takes the tape where the plan cannot run: other layers, other kernels, setGraphStep(false)", () => {
  // lse blocks use softmax and ghmLog activations: no plan.
  const lse = openTrainingState(config("denoiser", "unet", "lse"));
  try {
    expect(graphPlan(lse.model)).toMatch(/^layer enc3_conv: activation softmax/);
    expect(Number.isFinite(trainStep(lse, lse.stream.next(), 0.01))).toBe(true);
  } finally {
    lse.dispose();
  }
  const cfg = config("denoiser", "unet");
  const run = (): number[] => {
    const st = openTrainingState(cfg);
    try {
      return Array.from({ length: 4 }, () => trainStep(st, st.stream.next(), 0.01));
    } finally {
      st.dispose();
    }
  };
  const withPlan = run();
  const was = setGraphStep(false);
  try {
    expect(run()).toEqual(withPlan);
  } finally {
    setGraphStep(was);
  }
  // Without ghmkit's dense kernels the plan is not ready, and the step is the tape's.
  const st = openTrainingState(cfg);
  const before = setCustomWasmKernels([]);
  try {
    expect(typeof graphPlan(st.model)).toBe("object");
    expect(graphStepReady(graphPlan(st.model))).toBe(false);
  } finally {
    setCustomWasmKernels(before);
    st.dispose();
  }
});
