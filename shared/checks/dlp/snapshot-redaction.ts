import { walkRoots } from "../text/json-text.ts";
import { type DlpHit, redactRanges, type ScanPlan, scanText } from "./scan-plan.ts";

/**
 * Where a Responses stream repeats text already streamed: `*.done` events (`text`, `arguments`, `part`,
 * `item`) and `response.completed` (`response`). Their deltas were scanned as they passed; the repeat is
 * scanned whole, so a redacted or blocked match does not come back in it.
 */
const SNAPSHOT_ROOTS: ReadonlySet<string> = new Set(["text", "arguments", "part", "item", "response"]);

/** The event's hits and the event with REDACT matches replaced (the same object when none). */
export function redactSnapshot(plan: ScanPlan, event: unknown): { hits: DlpHit[]; json: unknown } {
  const hits: DlpHit[] = [];
  const json = walkRoots(event, SNAPSHOT_ROOTS, (text) => {
    const found = scanText(plan, text);
    if (found.length === 0) return undefined;
    hits.push(...found);
    const redacted = redactRanges(
      text,
      found.filter((hit) => hit.entry.action !== "FLAG"),
    );
    return redacted === text ? undefined : redacted;
  });
  return { hits, json };
}
