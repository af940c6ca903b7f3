import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { sourceBootstrap } from "@ghmkit/bp";
import { InputError } from "@ghmkit/ghm";
import { initBackend } from "./backend";
import { kernelThreads, setKernelThreads } from "./gemm_threads";
import { heapShared } from "./shared_heap";
import { describeBandCases } from "./testing/gemm_thread_cases";

beforeAll(async () => {
  await initBackend("wasm");
});

afterAll(() => {
  setKernelThreads(1);
});

describeBandCases(
  "a product cut into bands of rows, computed in place on the shared heap, gives one thread's bits",
  true,
);

test("the heap is shared, so the helpers link to it", () => {
  expect(heapShared()).toBe(true);
});

describe("setKernelThreads", () => {
  test("takes a count or auto and reports the previous count", () => {
    setKernelThreads(3);
    expect(setKernelThreads(1)).toBe(3);
    expect(kernelThreads()).toBe(1);
    setKernelThreads("auto");
    expect(kernelThreads()).toBeGreaterThanOrEqual(1);
    expect(kernelThreads()).toBeLessThanOrEqual(4);
  });

  test("refuses a count that is not a positive integer, naming the field", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 257]) {
      expect(() => setKernelThreads(bad)).toThrow(InputError);
      expect(() => setKernelThreads(bad)).toThrow(/kernel threads/);
    }
  });

  test("auto reads GHM_KERNEL_THREADS and refuses a bad value with the variable's name", () => {
    const was = process.env.GHM_KERNEL_THREADS;
    try {
      process.env.GHM_KERNEL_THREADS = "3";
      setKernelThreads("auto");
      expect(kernelThreads()).toBe(3);
      process.env.GHM_KERNEL_THREADS = "many";
      expect(() => setKernelThreads("auto")).toThrow(/GHM_KERNEL_THREADS/);
    } finally {
      if (was === undefined) delete process.env.GHM_KERNEL_THREADS;
      else process.env.GHM_KERNEL_THREADS = was;
      setKernelThreads(1);
    }
  });
});

test("kernel threads never keep the process alive", () => {
  // From the sources (a test run may have no dist): bp's bootstrap compiles them on the fly.
  const script = sourceBootstrap(
    path.join(__dirname, "gemm_threads.ts"),
    `const t = req("./index.ts");
    t.initBackend("wasm").then(() => {
      t.setKernelThreads(2);
      t.tf.matMul(t.tf.ones([2048, 128]), t.tf.ones([128, 64])).dataSync();
      console.log(JSON.stringify(t.kernelThreadStats()));
    });`,
  );
  const r = spawnSync(process.execPath, ["-e", script], { timeout: 90_000, encoding: "utf8" });
  expect(r.error).toBeUndefined();
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout.trim()).products).toBe(1);
});
