import type { RequestRecord } from "../../core/build-log-event.ts";
import type { DlpCheck } from "../../schemas/dlp-settings.ts";
import { dlpOutcomeOf } from "./dlp-outcome.ts";
import type { DlpHit } from "./scan-plan.ts";

/** Adds hits to the request's outcome and refreshes the row's `dlp_*` fields from it. */
export function recordHits(record: RequestRecord, hits: readonly DlpHit[], check: DlpCheck): void {
  if (hits.length === 0) return;
  const outcome = dlpOutcomeOf(record);
  outcome.record(hits, check);
  record.checkFields = { ...record.checkFields, ...outcome.logFields() };
}
