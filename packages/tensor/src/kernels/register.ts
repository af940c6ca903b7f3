// Registration of ghmkit's wasm kernels over the stock ones. The stock configs are kept:
// their setupFunc (which binds the C++ entry point) must still run when the backend
// initialises, and `useCustomWasmKernels(false)` puts them back (used by the benchmark).
import * as tf from "@tensorflow/tfjs";
import { batchMatMulConfig } from "./batch_mat_mul";
import { conv2DBackpropFilterConfig } from "./conv2d_backprop_filter";
import { conv2DBackpropInputConfig } from "./conv2d_backprop_input";
import { identityConfig } from "./identity";
import { setStockBatchMatMul } from "./matmul_nn";
import { setStockSlice, sliceConfig } from "./slice";
import { splitVConfig } from "./split_v";
import { setStockSum, sumConfig } from "./sum";

const CUSTOM: tf.KernelConfig[] = [
  batchMatMulConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  identityConfig,
  sliceConfig,
  splitVConfig,
  sumConfig,
];

/** Custom kernels that fall back to (or build on) the stock kernel they replace. */
const KEEP_STOCK: Record<string, (config: tf.KernelConfig | undefined) => void> = {
  [tf.BatchMatMul]: (config) => {
    if (config === undefined) throw new Error("wasm BatchMatMul missing: load @tensorflow/tfjs-backend-wasm first");
    setStockBatchMatMul(config);
  },
  [tf.Slice]: setStockSlice,
  [tf.Sum]: setStockSum,
};

const stock = new Map<string, tf.KernelConfig | undefined>();
let active = false;

/** Names of the kernels `registerWasmKernels` overrides or adds. */
export const CUSTOM_WASM_KERNELS: readonly string[] = CUSTOM.map((c) => c.kernelName);

/**
 * Switch ghmkit's custom wasm kernels on or off. Requires @tensorflow/tfjs-backend-wasm to
 * be loaded (its import registers the stock kernels). Returns the custom kernels now active.
 */
export function useCustomWasmKernels(on: boolean): string[] {
  if (on === active) return on ? [...CUSTOM_WASM_KERNELS] : [];
  if (on) {
    for (const config of CUSTOM) {
      const original = tf.getKernel(config.kernelName, "wasm");
      stock.set(config.kernelName, original);
      KEEP_STOCK[config.kernelName]?.(original);
      if (original !== undefined) tf.unregisterKernel(config.kernelName, "wasm");
      tf.registerKernel({ ...config, setupFunc: original?.setupFunc });
    }
  } else {
    for (const config of CUSTOM) {
      tf.unregisterKernel(config.kernelName, "wasm");
      const original = stock.get(config.kernelName);
      if (original !== undefined) tf.registerKernel(original);
    }
  }
  active = on;
  return on ? [...CUSTOM_WASM_KERNELS] : [];
}

export function registerWasmKernels(): string[] {
  return useCustomWasmKernels(true);
}
