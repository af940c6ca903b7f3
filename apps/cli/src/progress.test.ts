import { plainProgress } from "./progress";

describe("plainProgress (off a terminal)", () => {
  const make = () => {
    const lines: string[] = [];
    let t = 0;
    const con = { out: () => {}, err: (s: string) => lines.push(s), isTTY: false };
    const p = plainProgress(con, "train ", 100, 10_000, () => t);
    return { lines, p, advance: (ms: number) => (t += ms) };
  };

  it("stays quiet for a job shorter than the interval", () => {
    const { lines, p, advance } = make();
    p.update(50);
    advance(9_000);
    p.update(100);
    p.stop();
    expect(lines).toEqual([]);
  });

  it("prints one line per interval, then a closing line", () => {
    const { lines, p, advance } = make();
    for (let step = 1; step <= 100; step++) {
      advance(500); // 50 s in all
      p.update(step, { loss: 0.5 });
    }
    p.stop();
    expect(lines).toHaveLength(6); // at 10, 20, 30, 40, 50 s, and the closing line
    expect(lines[0]).toBe("train: 20/100 after 10 s (2.0/s, ETA 40 s) loss=0.5000");
    expect(lines[5]).toBe("train: 100/100 after 50 s (2.0/s) loss=0.5000");
  });
});

test("plainProgress prints every interval even while one long step runs (no updates)", () => {
  jest.useFakeTimers();
  try {
    const lines: string[] = [];
    const con = { out: () => {}, err: (s: string) => lines.push(s), isTTY: false };
    const p = plainProgress(con, "suite", 10, 10_000, () => Date.now());
    jest.advanceTimersByTime(25_000);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^suite: 0\/10 after 10 s/);
    p.stop();
    expect(lines).toHaveLength(3);
    jest.advanceTimersByTime(30_000);
    expect(lines).toHaveLength(3); // stopped: the timer is gone
  } finally {
    jest.useRealTimers();
  }
});

test("plainProgress without an ETA (jobs of unequal cost) keeps the rate", () => {
  let t = 0;
  const lines: string[] = [];
  const p = plainProgress(
    { out: () => {}, err: (s: string) => lines.push(s), isTTY: false },
    "suite",
    10,
    10_000,
    () => t,
    false,
  );
  t = 10_000;
  p.update(2);
  p.stop();
  expect(lines[0]).toBe("suite: 2/10 after 10 s (0.20/s)");
});
