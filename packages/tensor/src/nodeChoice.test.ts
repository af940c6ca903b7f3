import { InputError } from "@ghmkit/ghm";
import * as tf from "@tensorflow/tfjs";
import { NATIVE_PACKAGES, type NodeLoader, nodeChooser, WASM_PACKAGE } from "./nodeChoice";
import { wasmBinaryDir } from "./backend";

// tfjs-node-gpu (CUDA) and a working tfjs-node cannot be installed here: a fake loader plays
// them. Loading one registers the "tensorflow" backend, as the real packages do; here it is
// the cpu backend's factory under that name, enough to activate it.
function fakeNative(): unknown {
  if (tf.findBackendFactory("tensorflow") === null) {
    const cpu = tf.findBackendFactory("cpu");
    if (cpu === null) throw new Error("test setup: tfjs has no cpu backend");
    tf.registerBackend("tensorflow", cpu);
  }
  return { Tensor: tf.Tensor };
}

function loader(present: Partial<Record<string, () => unknown>>): NodeLoader & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    loaded,
    load(pkg: string) {
      loaded.push(pkg);
      if (pkg === WASM_PACKAGE) return require(WASM_PACKAGE);
      const make = present[pkg];
      if (make === undefined) throw new Error(`Cannot find module '${pkg}'`);
      return make();
    },
    wasmDir: wasmBinaryDir,
  };
}

const GPU = NATIVE_PACKAGES["node-gpu"];
const NODE = NATIVE_PACKAGES.node;

describe("nodeChooser (auto: node-gpu > node > wasm > cpu)", () => {
  it("takes tfjs-node-gpu when it loads, without trying tfjs-node", async () => {
    const l = loader({ [GPU]: fakeNative, [NODE]: fakeNative });
    const info = await nodeChooser(l)("auto", "default");
    expect(info).toMatchObject({ name: "node-gpu", tfBackend: "tensorflow", customKernels: [] });
    expect(info.reason).toBe(`auto: ${GPU} loaded`);
    expect(l.loaded).toEqual([GPU]);
  });

  it("takes tfjs-node when tfjs-node-gpu is absent, saying why", async () => {
    const l = loader({ [NODE]: fakeNative });
    const info = await nodeChooser(l)("auto", "default");
    expect(info).toMatchObject({ name: "node", tfBackend: "tensorflow" });
    expect(info.reason).toMatch(/tfjs-node-gpu unavailable: Cannot find module '@tensorflow\/tfjs-node-gpu'/);
    expect(l.loaded).toEqual([GPU, NODE]);
  });

  it("takes wasm (with ghmkit's kernels) when neither native package loads", async () => {
    const l = loader({});
    const info = await nodeChooser(l)("auto", "default");
    expect(info.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(info.customKernels.length).toBeGreaterThan(0);
    expect(info.reason).toMatch(/tfjs-node-gpu unavailable .*; tfjs-node unavailable /);
  });

  it("refuses a native package that brought its own copy of tfjs", async () => {
    const l = loader({ [GPU]: () => ({ Tensor: class OtherTensor {} }) });
    const info = await nodeChooser(l)("auto", "default");
    expect(info.name).not.toBe("node-gpu");
    expect(info.reason).toMatch(/different copy of @tensorflow\/tfjs/);
  });
});

describe("nodeChooser (explicit)", () => {
  it("node-gpu when present", async () => {
    const info = await nodeChooser(loader({ [GPU]: fakeNative }))("node-gpu", "argument / --backend");
    expect(info).toMatchObject({ name: "node-gpu", reason: "requested via argument / --backend" });
  });

  it("node-gpu when absent: an InputError naming the package, how to install it and the alternatives", async () => {
    await expect(nodeChooser(loader({}))("node-gpu", "GHM_BACKEND")).rejects.toBeInstanceOf(InputError);
    await expect(nodeChooser(loader({ [NODE]: fakeNative }))("node-gpu", "GHM_BACKEND")).rejects.toThrow(
      /backend: "node-gpu" requested \(GHM_BACKEND\) but @tensorflow\/tfjs-node-gpu cannot load: Cannot find module.*npm install @tensorflow\/tfjs-node-gpu@4\.22\.0.*GHM_BACKEND=node\|wasm\|cpu or --backend node\|wasm\|cpu/,
    );
  });

  it("node does not try tfjs-node-gpu", async () => {
    const l = loader({ [GPU]: fakeNative, [NODE]: fakeNative });
    const info = await nodeChooser(l)("node", "argument / --backend");
    expect(info.name).toBe("node");
    expect(l.loaded).toEqual([NODE]);
  });

  it("cpu loads no package", async () => {
    const l = loader({ [GPU]: fakeNative });
    expect((await nodeChooser(l)("cpu", "argument / --backend")).name).toBe("cpu");
    expect(l.loaded).toEqual([]);
  });
});
