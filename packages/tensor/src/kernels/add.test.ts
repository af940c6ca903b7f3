import { initBackend, tf } from "../backend";
import { seeded } from "../testing/compare";
import { setHeapSimd } from "./heap_simd";
import { CUSTOM_WASM_KERNELS, setCustomWasmKernels } from "./register";

beforeAll(async () => {
  await initBackend("wasm");
});

afterEach(() => {
  setCustomWasmKernels(CUSTOM_WASM_KERNELS);
  setHeapSimd(true);
});

function addBits(aShape: number[], bShape: number[]): Uint32Array {
  const a = tf.tensor(seeded(aShape, 1), aShape);
  const b = tf.tensor(seeded(bShape, 2), bShape);
  const sum = tf.add(a, b);
  const bits = new Uint32Array(new Float32Array(sum.dataSync()).buffer);
  tf.dispose([a, b, sum]);
  return bits;
}

describe("Add of x [.., C] and a bias [C] through heap.wat's addRows", () => {
  const cases: [number[], number[]][] = [
    [[64, 64], [64]],
    [[8], [3, 5, 8]],
    [[2, 3, 12], [12]],
    [[7, 6], [6]],
    [[0, 8], [8]],
    [
      [4, 8],
      [4, 8],
    ],
  ];
  for (const [aShape, bShape] of cases) {
    it(`[${aShape}] + [${bShape}] is stock wasm's bits, with heap SIMD on and off`, () => {
      setCustomWasmKernels(CUSTOM_WASM_KERNELS.filter((k) => k !== tf.Add));
      const stock = addBits(aShape, bShape);
      setCustomWasmKernels(CUSTOM_WASM_KERNELS);
      const before = tf.engine().backend.numDataIds();
      expect(addBits(aShape, bShape)).toEqual(stock);
      setHeapSimd(false);
      expect(addBits(aShape, bShape)).toEqual(stock);
      expect(tf.engine().backend.numDataIds()).toBe(before);
    });
  }

  it("keeps int32 sums on the stock kernel", () => {
    const [dtype, sum] = tf.tidy(() => {
      const s = tf.add(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4], "int32"), tf.tensor1d([1, 1, 1, 1], "int32"));
      return [s.dtype, Array.from(s.dataSync())];
    });
    expect(dtype).toBe("int32");
    expect(sum).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
