/**
 * The training step without tfjs's gradient tape, for networks made of nets' layers (Dense
 * with relu or linear, Reshape, Concatenate on the last axis): the forward pass calls GhmDense
 * per layer, the backward pass GhmDenseGrad and GhmDenseGradInput, reshapes and SplitV in the
 * reverse order, and only the loss goes through tf.valueAndGrad. These are the very kernels,
 * on the very operands, that the tape would run (a tensor read twice, as the U-Net's skips
 * are, sums its two gradients with one Add, which commutes), so the gradients and the
 * training run are the same bits; what goes is the tape's bookkeeping and tfjs-layers'
 * graph execution (in-process, alternating blocks of steps: the d = 8 U-Net step 1.07x,
 * d = 64 1.03x). Runs on wasm with ghmkit's dense kernels only (tensor's
 * denseKernelsActive()); anything else takes the tape.
 */
import { denseGradInputOp, denseGradOp, denseKernelsActive, denseOp, tf } from "@ghmkit/tensor";
import type { Batch } from "./data";
import type { Task } from "./config";
import { batchLoss, batchTarget, softmaxCrossEntropy } from "./stepLoss";

export type GraphNode =
  | { kind: "input"; name: string }
  | {
      kind: "dense";
      name: string;
      input: string;
      activation: "relu" | "linear";
      kernel: tf.LayerVariable;
      bias: tf.LayerVariable;
      /** Whether the layer's input needs a gradient (false for the data and what only reshapes it). */
      needsDx: boolean;
    }
  | { kind: "reshape"; name: string; input: string; shape: number[] }
  | { kind: "concat"; name: string; inputs: string[] };

/** A model's layers as the step runs them, in the model's (topological) order. */
export interface GraphPlan {
  nodes: GraphNode[];
  output: string;
}

/**
 * The plan of `model`, or why there is none (the layer it cannot run, named): then the step
 * takes the tape. @ghmkit/bench rebuilds the same graph in PyTorch from this plan.
 */
export function graphPlan(model: tf.LayersModel): GraphPlan | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return "the model has more than one input or output";
  const nodes: GraphNode[] = [];
  const fromData = new Set<string>();
  for (const layer of model.layers) {
    if (layer.inboundNodes.length !== 1) return `layer ${layer.name}: applied ${layer.inboundNodes.length} times`;
    const inputs = (layer.inboundNodes[0] as unknown as { inboundLayers: tf.layers.Layer[] }).inboundLayers.map(
      (l) => l.name,
    );
    const cls = layer.getClassName();
    const config = layer.getConfig();
    if (cls === "InputLayer") {
      nodes.push({ kind: "input", name: layer.name });
      fromData.add(layer.name);
    } else if (cls === "Reshape") {
      nodes.push({ kind: "reshape", name: layer.name, input: inputs[0], shape: config.targetShape as number[] });
      if (fromData.has(inputs[0])) fromData.add(layer.name);
    } else if (cls === "Concatenate" && (config.axis === -1 || config.axis === undefined)) {
      nodes.push({ kind: "concat", name: layer.name, inputs });
    } else if (cls === "Dense") {
      const d = layer as unknown as {
        activation?: { getClassName(): string };
        kernel?: tf.LayerVariable;
        bias?: tf.LayerVariable | null;
      };
      const activation = d.activation?.getClassName();
      if (activation !== "relu" && activation !== "linear")
        return `layer ${layer.name}: activation ${activation} (relu and linear are planned)`;
      if (!d.kernel || !d.bias) return `layer ${layer.name}: a Dense layer without a bias`;
      nodes.push({
        kind: "dense",
        name: layer.name,
        input: inputs[0],
        activation,
        kernel: d.kernel,
        bias: d.bias,
        needsDx: !fromData.has(inputs[0]),
      });
    } else return `layer ${layer.name}: ${cls} (Dense, Reshape and Concatenate on the last axis are planned)`;
  }
  return { nodes, output: model.outputs[0].sourceLayer.name };
}

/** A batch's loss and the gradients of the variables asked for, in their order. */
export interface BatchGrads {
  value: tf.Scalar;
  grads: tf.Tensor[];
}

/** Whether graphStepGrads can run `plan` now. */
export function graphStepReady(plan: GraphPlan | string | null): plan is GraphPlan {
  return typeof plan === "object" && plan !== null && denseKernelsActive();
}

/**
 * The batch's loss and the gradient of each of `vars` (the model's trainable weights, in
 * order), as tf.variableGrads(batchLoss(...), vars) computes them, bit for bit. Call inside
 * tf.tidy; every layer of the plan must be trainable.
 */
export function graphStepGrads(
  plan: GraphPlan,
  vars: tf.Variable[],
  task: Task,
  batch: Batch,
  classes: number,
  S: number,
): BatchGrads {
  const acts = new Map<string, tf.Tensor>();
  const input = tf.tensor3d(batch.input, [batch.n, batch.d, batch.S]);
  for (const node of plan.nodes) {
    if (node.kind === "input") acts.set(node.name, input);
    else if (node.kind === "reshape") acts.set(node.name, tf.reshape(acts.get(node.input)!, [batch.n, ...node.shape]));
    else if (node.kind === "concat")
      acts.set(
        node.name,
        tf.concat(
          node.inputs.map((i) => acts.get(i)!),
          -1,
        ),
      );
    else acts.set(node.name, denseOp(acts.get(node.input)!, node.kernel.read(), node.bias.read(), node.activation));
  }
  const target = batchTarget(task, batch, classes, S);
  const { value, grad } = tf.valueAndGrad((logits: tf.Tensor) => softmaxCrossEntropy(logits, target))(
    acts.get(plan.output)!,
  );

  // Gradients by layer output; a second one for the same output is added to the first.
  const grads = new Map<string, tf.Tensor>([[plan.output, grad]]);
  const add = (name: string, g: tf.Tensor): void => {
    const had = grads.get(name);
    grads.set(name, had === undefined ? g : tf.add(had, g));
  };
  const byVar = new Map<string, tf.Tensor>();
  for (let k = plan.nodes.length - 1; k >= 0; k--) {
    const node = plan.nodes[k];
    const dy = grads.get(node.name);
    if (dy === undefined || node.kind === "input") continue;
    if (node.kind === "reshape") add(node.input, tf.reshape(dy, acts.get(node.input)!.shape));
    else if (node.kind === "concat") {
      const parts = tf.split(
        dy,
        node.inputs.map((i) => acts.get(i)!.shape[acts.get(i)!.rank - 1]),
        -1,
      );
      node.inputs.forEach((i, j) => add(i, parts[j]));
    } else {
      const W = node.kernel.read() as tf.Variable;
      const { dW, db, dz } = denseGradOp(dy, acts.get(node.input)!, acts.get(node.name)!, node.activation);
      byVar.set(W.name, dW);
      byVar.set((node.bias.read() as tf.Variable).name, db);
      if (node.needsDx) add(node.input, denseGradInputOp(dz, W));
    }
  }
  return {
    value,
    grads: vars.map((v) => {
      const g = byVar.get(v.name);
      if (g === undefined) throw new Error(`graph step: no gradient for ${v.name}`);
      return g;
    }),
  };
}

let enabled = true;

/**
 * Whether training steps may run without tfjs's gradient tape (default true): where false,
 * batchGrads always takes the tape. Returns the previous setting; the benchmark times both.
 */
export function setGraphStep(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

const plans = new WeakMap<tf.LayersModel, GraphPlan | string>();

function planOf(model: tf.LayersModel): GraphPlan | string {
  let plan = plans.get(model);
  if (plan === undefined) {
    plan = graphPlan(model);
    plans.set(model, plan);
  }
  return plan;
}

/**
 * The batch's loss and the gradients of `vars` (in their order) for every training step
 * (this thread's, and each data-parallel worker's): without the tape where the plan runs,
 * through tf.variableGrads otherwise; the same bits either way. Call inside tf.tidy.
 */
export function batchGrads(
  model: tf.LayersModel,
  vars: tf.Variable[],
  task: Task,
  batch: Batch,
  classes: number,
  S: number,
): BatchGrads {
  const plan = enabled ? planOf(model) : null;
  if (graphStepReady(plan)) return graphStepGrads(plan, vars, task, batch, classes, S);
  const { value, grads } = tf.variableGrads(batchLoss(model, task, batch, classes, S), vars);
  return { value, grads: vars.map((v) => grads[v.name]) };
}
