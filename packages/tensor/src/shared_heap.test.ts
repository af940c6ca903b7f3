import { InputError } from "@ghmkit/ghm";
import { initBackend, tf } from "./backend";
import { heapShared, shareDefinedMemory, sharedHeapWanted, withSharedHeap } from "./shared_heap";

/** The part of the WebAssembly API used here (the tsconfig's libs do not declare it). */
const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (b: Uint8Array) => object;
      Instance: new (m: object) => { exports: Record<string, { buffer: ArrayBufferLike }> };
      instantiate: (b: Uint8Array) => Promise<{ instance: { exports: Record<string, { buffer: ArrayBufferLike }> } }>;
    };
  }
).WebAssembly;

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** Section 7: export memory 0 as "memory". */
const EXPORT_MEMORY = [0x07, 0x0a, 0x01, 0x06, ...Buffer.from("memory"), 0x02, 0x00];
/** A module defining one memory with these limits (section 5), exported. */
const withMemory = (limits: number[]): Uint8Array =>
  new Uint8Array([...HEADER, 0x05, limits.length + 1, 0x01, ...limits, ...EXPORT_MEMORY]);

describe("shareDefinedMemory", () => {
  test("declares a memory with a maximum shared, and nothing else changes", () => {
    const bytes = withMemory([0x01, 0x01, 0x02]); // min 1, max 2 pages
    const shared = shareDefinedMemory(bytes);
    expect(shared).not.toBeNull();
    const diff = [...bytes].flatMap((b, i) => (b === shared?.[i] ? [] : [i]));
    expect(diff).toEqual([HEADER.length + 3]);
    expect(bytes[HEADER.length + 3]).toBe(1); // the input is left alone
    const memory = new WA.Instance(new WA.Module(shared as Uint8Array)).exports.memory;
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  test("leaves modules it cannot share: no maximum, shared already, no memory, not wasm", () => {
    expect(shareDefinedMemory(withMemory([0x00, 0x01]))).toBeNull();
    expect(shareDefinedMemory(withMemory([0x03, 0x01, 0x02]))).toBeNull();
    expect(shareDefinedMemory(new Uint8Array([...HEADER, ...EXPORT_MEMORY]))).toBeNull();
    expect(shareDefinedMemory(new Uint8Array(HEADER))).toBeNull();
    expect(shareDefinedMemory(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBeNull();
    // A section whose length runs off the end.
    expect(shareDefinedMemory(new Uint8Array([...HEADER, 0x01, 0xff]))).toBeNull();
  });
});

test("withSharedHeap shares the first module instantiated inside it, and only that one", async () => {
  const instantiate = WA.instantiate;
  const bytes = withMemory([0x01, 0x01, 0x02]);
  const [first, second] = await withSharedHeap(async () => [await WA.instantiate(bytes), await WA.instantiate(bytes)]);
  expect(first.instance.exports.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(second.instance.exports.memory.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  expect(WA.instantiate).toBe(instantiate);
});

describe("GHM_SHARED_HEAP", () => {
  const was = process.env.GHM_SHARED_HEAP;
  afterEach(() => {
    if (was === undefined) delete process.env.GHM_SHARED_HEAP;
    else process.env.GHM_SHARED_HEAP = was;
  });

  test("1, auto and unset share; 0 does not; anything else is refused naming the variable", () => {
    for (const [v, want] of [
      ["1", true],
      ["auto", true],
      ["", true],
      ["0", false],
    ] as const) {
      process.env.GHM_SHARED_HEAP = v;
      expect(sharedHeapWanted()).toBe(want);
    }
    delete process.env.GHM_SHARED_HEAP;
    expect(sharedHeapWanted()).toBe(true);
    process.env.GHM_SHARED_HEAP = "yes";
    expect(() => sharedHeapWanted()).toThrow(InputError);
    expect(() => sharedHeapWanted()).toThrow(/GHM_SHARED_HEAP/);
  });
});

describe("the wasm backend on a shared heap", () => {
  beforeAll(async () => {
    expect(heapShared()).toBe(false); // nothing initialised yet, and asking starts nothing
    await initBackend("wasm");
  });

  test("its memory is a SharedArrayBuffer", () => {
    expect(heapShared()).toBe(true);
    const wasm = (tf.backend() as unknown as { wasm: { asm: { memory: { buffer: ArrayBufferLike } } } }).wasm;
    expect(wasm.asm.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  test("tensors keep their values across a growth of the heap", () => {
    const x = tf.tensor1d([1.5, -2, 3.25]);
    const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
    const before = wasm.HEAPU8.length;
    const big = tf.fill([before / 4 + 1024], 0.5); // more floats than the heap had bytes / 4
    expect(wasm.HEAPU8.length).toBeGreaterThan(before);
    expect(tf.sum(big).arraySync()).toBe(0.5 * (before / 4 + 1024));
    expect(Array.from(tf.mul(x, 2).dataSync())).toEqual([3, -4, 6.5]);
    tf.dispose([x, big]);
  });
});
