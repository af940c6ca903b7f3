// `pnpm --filter @ghmkit/tensor bench [steps]`: print benchTrainStep's result as JSON.
import { benchTrainStep } from "./bench";

const steps = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
benchTrainStep({ steps }).then(
  (r) => console.log(JSON.stringify(r, null, 2)),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
