import { backendInfo, initBackend, tf, wasmBinaryDir } from "./backend";

describe("one tfjs-core", () => {
  it("tfjs, tfjs-backend-wasm and tfjs-node all resolve the same tfjs-core file", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const coreFrom = (pkg: string) =>
      fs.realpathSync(require.resolve("@tensorflow/tfjs-core", { paths: [path.dirname(require.resolve(pkg))] }));
    const core = coreFrom("@tensorflow/tfjs");
    expect(coreFrom("@tensorflow/tfjs-backend-wasm")).toBe(core);
    let nodeDir: string;
    try {
      nodeDir = path.dirname(require.resolve("@tensorflow/tfjs-node/package.json"));
    } catch {
      return; // the optional tfjs-node is not installed at all: nothing more to share
    }
    const tfjsFromNode = fs.realpathSync(require.resolve("@tensorflow/tfjs", { paths: [nodeDir] }));
    expect(tfjsFromNode).toBe(fs.realpathSync(require.resolve("@tensorflow/tfjs")));
  });
});

describe("initBackend (auto)", () => {
  const saved = process.env.GHM_BACKEND;
  beforeAll(() => {
    delete process.env.GHM_BACKEND;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.GHM_BACKEND;
    else process.env.GHM_BACKEND = saved;
  });

  it("refuses node with an error naming GHM_BACKEND and --backend when tfjs-node cannot load", async () => {
    let nodeLoads = true;
    try {
      require("@tensorflow/tfjs-node");
    } catch {
      nodeLoads = false;
    }
    if (nodeLoads) return; // on machines with a working tfjs-node there is nothing to refuse
    await expect(initBackend("node")).rejects.toThrow(/GHM_BACKEND=wasm\|cpu.*--backend/);
    expect(backendInfo()).toBeNull();
  });

  it("picks wasm (tfjs-node does not load here), idempotently", async () => {
    expect(() => initBackend("gpu" as never)).toThrow(/auto, node-gpu, node, wasm, cpu/);
    const info = await initBackend();
    expect(["node-gpu", "node", "wasm"]).toContain(info.name);
    expect(tf.getBackend()).toBe(info.tfBackend);
    expect(await initBackend()).toBe(info);
    expect(await initBackend(info.name)).toBe(info);
    expect(backendInfo()).toBe(info);
    const other = info.name === "wasm" ? "cpu" : "wasm";
    await expect(initBackend(other)).rejects.toThrow(/already initialised/);
  });
});

describe("wasmBinaryDir", () => {
  it("is the folder of the installed .wasm binaries", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const dir = wasmBinaryDir();
    expect(dir).not.toBeNull();
    expect(dir?.endsWith("/") || dir?.endsWith("\\")).toBe(true);
    expect(fs.existsSync(`${dir}tfjs-backend-wasm-simd.wasm`)).toBe(true);
  });
});
