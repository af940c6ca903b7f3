import { initBackend } from "./browser";

// Its own file: initBackend chooses once per process (per jest file).
describe("browser initBackend (explicit)", () => {
  it("webgl where it cannot start: an error naming the alternatives, and nothing chosen", async () => {
    await expect(initBackend("webgl")).rejects.toThrow(
      /backend: "webgl" could not start in this browser .*\(choose wasm or cpu\)/,
    );
    const info = await initBackend("cpu");
    expect(info).toMatchObject({ name: "cpu", tfBackend: "cpu", reason: "requested via argument" });
  });
});
