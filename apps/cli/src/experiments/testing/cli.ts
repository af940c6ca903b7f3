import { commands } from "../../commands";
import { registerExperiment } from "../../commands/experiment";
export { ghm, readJson, tempDir } from "../../testing/harness";

// Until the command list includes `experiment`, the tests register it themselves.
if (!commands.includes(registerExperiment)) commands.push(registerExperiment);
