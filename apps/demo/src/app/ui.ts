/** Small form helpers shared by the panels. */
import { byId } from "../view/dom";

export function intField(id: string, name: string): number {
  const el = byId<HTMLInputElement>(id);
  const v = Number(el.value);
  if (el.value.trim() === "" || !Number.isInteger(v))
    throw new RangeError(`${name} must be a whole number, got "${el.value}"`);
  const min = el.min === "" ? -Infinity : Number(el.min);
  const max = el.max === "" ? Infinity : Number(el.max);
  if (v < min || v > max) throw new RangeError(`${name} must be in [${min}, ${max}], got ${v}`);
  return v;
}

export function setStatus(id: string, text: string, error = false): void {
  const el = byId(id);
  el.textContent = text;
  el.classList.toggle("error", error);
  el.setAttribute("role", error ? "alert" : "status");
}

/** Runs an action, reporting a thrown Error in the panel's status line. */
export async function guarded(statusId: string, action: () => unknown): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (err) {
    setStatus(statusId, err instanceof Error ? err.message : String(err), true);
    return false;
  }
}

/** Yield to the browser so a status line paints before a long synchronous computation. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
