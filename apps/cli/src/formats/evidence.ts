import { type Evidence, evidenceFromJson, type Grammar } from "@ghmkit/ghm";
import { asUserInput } from "../errors";

/**
 * Evidence files for `ghm bp`: the JSON form of @ghmkit/ghm's `evidenceFromJson`
 * (one format for the CLI and the library). Errors name the file and the field.
 */
export function parseEvidenceFile(json: unknown, g: Grammar, what: string): Evidence {
  return asUserInput(what, () => evidenceFromJson(json, g));
}
