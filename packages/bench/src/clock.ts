/** Wall and process-CPU time together: on a shared machine the CPU rate estimates the unloaded one. */
export interface Clock {
  wall: bigint;
  cpu: NodeJS.CpuUsage;
}

export function start(): Clock {
  return { wall: process.hrtime.bigint(), cpu: process.cpuUsage() };
}

/** Elapsed wall and CPU seconds since `c`. */
export function elapsed(c: Clock): { wall: number; cpu: number } {
  const cpu = process.cpuUsage(c.cpu);
  return { wall: Number(process.hrtime.bigint() - c.wall) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}
