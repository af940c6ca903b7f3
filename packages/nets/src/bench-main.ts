// `pnpm --filter @ghmkit/nets bench [batch] [reps]`: print benchCompiledBP's result as JSON.
import { benchCompiledBP } from "./bench";

const num = (i: number): number | undefined => (process.argv[i] === undefined ? undefined : Number(process.argv[i]));
benchCompiledBP({ batch: num(2), reps: num(3) }).then(
  (r) => console.log(JSON.stringify(r, null, 2)),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
