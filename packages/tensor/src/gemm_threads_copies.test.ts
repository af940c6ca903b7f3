import { initBackend } from "./backend";
import { setKernelThreads } from "./gemm_threads";
import { heapShared } from "./shared_heap";
import { describeBandCases } from "./testing/gemm_thread_cases";

// tfjs's own heap, which no other thread can read: the helpers work on copies of the operands.
beforeAll(async () => {
  process.env.GHM_SHARED_HEAP = "0";
  await initBackend("wasm");
});

afterAll(() => {
  setKernelThreads(1);
  delete process.env.GHM_SHARED_HEAP;
});

test("GHM_SHARED_HEAP=0 keeps tfjs's heap", () => {
  expect(heapShared()).toBe(false);
});

describeBandCases("a product cut into bands of rows, computed on copies, gives one thread's bits", false);
