// Registration of ghmkit's wasm kernels over the stock ones. The stock configs are kept:
// their setupFunc (which binds the C++ entry point) must still run when the backend
// initialises, some custom kernels fall back to them, and the benchmark puts them back.
import * as tf from "@tensorflow/tfjs";
import { adamUpdateConfig } from "./adam_update";
import { addConfig, setStockAdd } from "./add";
import { batchMatMulConfig } from "./batch_mat_mul";
import { castConfig, setStockCast } from "./cast";
import { concatConfig, setStockConcat } from "./concat";
import { conv2DBackpropFilterConfig } from "./conv2d_backprop_filter";
import { conv2DBackpropInputConfig } from "./conv2d_backprop_input";
import { DENSE, denseConfig, denseGradConfig, denseGradInputConfig, registerDenseGrad } from "./dense";
import { fastDenseLayers } from "./dense_layer";
import { equalConfig, setStockEqual } from "./equal";
import { fusedMatMulConfig, setStockFusedMatMul } from "./fused_mat_mul";
import { identityConfig } from "./identity";
import { registerReluGrad, reluGradConfig } from "./relu_grad";
import { setStockBatchMatMul } from "./matmul_nn";
import { shareSavedTensors } from "./shared_saves";
import { setStockSlice, sliceConfig } from "./slice";
import { splitVConfig } from "./split_v";
import { setStockSum, sumConfig } from "./sum";
import { setStockTranspose, transposeConfig } from "./transpose";

const CUSTOM: tf.KernelConfig[] = [
  adamUpdateConfig,
  addConfig,
  batchMatMulConfig,
  castConfig,
  concatConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  denseConfig,
  denseGradConfig,
  denseGradInputConfig,
  equalConfig,
  fusedMatMulConfig,
  identityConfig,
  reluGradConfig,
  sliceConfig,
  splitVConfig,
  sumConfig,
  transposeConfig,
];

/** Custom kernels that fall back to (or build on) the stock kernel they replace. */
const KEEP_STOCK: Record<string, (config: tf.KernelConfig | undefined) => void> = {
  [tf.Add]: setStockAdd,
  [tf.BatchMatMul]: (config) => {
    if (config === undefined) throw new Error("wasm BatchMatMul missing: load @tensorflow/tfjs-backend-wasm first");
    setStockBatchMatMul(config);
  },
  [tf.Cast]: setStockCast,
  [tf.Concat]: setStockConcat,
  [tf.Equal]: setStockEqual,
  [tf._FusedMatMul]: setStockFusedMatMul,
  [tf.Slice]: setStockSlice,
  [tf.Sum]: setStockSum,
  [tf.Transpose]: setStockTranspose,
};

const stock = new Map<string, tf.KernelConfig | undefined>();
const installed = new Set<string>();

/** Names of the kernels `registerWasmKernels` overrides or adds. */
export const CUSTOM_WASM_KERNELS: readonly string[] = CUSTOM.map((c) => c.kernelName);

/**
 * Make exactly `names` (a subset of CUSTOM_WASM_KERNELS) custom on wasm and put the stock
 * kernels back for the rest (the benchmark compares the two). Requires
 * @tensorflow/tfjs-backend-wasm to be loaded: its import registers the stock kernels.
 * Returns the custom kernels now installed.
 */
export function setCustomWasmKernels(names: readonly string[]): string[] {
  registerReluGrad();
  // With ghmkit's Identity, the engine's saves for backprop share data without the kernel call.
  shareSavedTensors(() => installed.has(tf.Identity));
  // With GhmDense, tfjs-layers' Dense trains through it (the same bits, far fewer engine calls).
  registerDenseGrad();
  fastDenseLayers(() => installed.has(DENSE));
  for (const name of names) {
    if (!CUSTOM_WASM_KERNELS.includes(name)) {
      throw new Error(`custom kernels: unknown kernel "${name}"; choose from ${CUSTOM_WASM_KERNELS.join(", ")}`);
    }
  }
  for (const config of CUSTOM) {
    const name = config.kernelName;
    const want = names.includes(name);
    if (want && !installed.has(name)) {
      const original = tf.getKernel(name, "wasm");
      stock.set(name, original);
      KEEP_STOCK[name]?.(original);
      if (original !== undefined) tf.unregisterKernel(name, "wasm");
      tf.registerKernel({ ...config, setupFunc: original?.setupFunc });
      installed.add(name);
    } else if (!want && installed.has(name)) {
      tf.unregisterKernel(name, "wasm");
      const original = stock.get(name);
      if (original !== undefined) tf.registerKernel(original);
      installed.delete(name);
    }
  }
  return CUSTOM_WASM_KERNELS.filter((n) => installed.has(n));
}

/** Whether GhmDense and its gradients run now: the engine's backend is wasm and they are installed. */
export function denseKernelsActive(): boolean {
  return installed.has(DENSE) && tf.getBackend() === "wasm";
}

/** Switch all of ghmkit's custom wasm kernels on or off. */
export function useCustomWasmKernels(on: boolean): string[] {
  return setCustomWasmKernels(on ? CUSTOM_WASM_KERNELS : []);
}

export function registerWasmKernels(): string[] {
  return useCustomWasmKernels(true);
}
