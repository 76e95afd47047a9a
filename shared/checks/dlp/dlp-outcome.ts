import type { DlpAction, DlpCheck } from "../../schemas/dlp-settings.ts";
import { type DlpHit, strongerAction } from "./scan-plan.ts";

/**
 * What DLP found on one request, both directions together, for the log row and the `cf-aig-dlp` header:
 * the strongest action taken, and the policies, profiles, entries and directions that matched.
 */
export class DlpOutcome {
  action: DlpAction | null = null;
  readonly policies = new Set<string>();
  readonly profiles = new Set<string>();
  readonly entries = new Set<string>();
  readonly checks = new Set<DlpCheck>();

  record(hits: readonly DlpHit[], check: DlpCheck): void {
    for (const hit of hits) {
      this.action = this.action ? strongerAction(this.action, hit.entry.action) : hit.entry.action;
      for (const id of hit.entry.policyIds) this.policies.add(id);
      this.profiles.add(hit.entry.profileId);
      this.entries.add(hit.entry.detector.id);
      this.checks.add(check);
    }
  }

  /** The log row's fields (docs/logging.md); none when nothing matched. */
  logFields(): DlpLogFields | Record<string, never> {
    if (!this.action) return {};
    return {
      dlp_action: this.action,
      dlp_policies: [...this.policies],
      dlp_profiles: [...this.profiles],
      dlp_entries: [...this.entries],
      dlp_check: [...this.checks],
    };
  }

  /** The `cf-aig-dlp` header's value: the same facts as JSON (never the matched text). */
  headerValue(): string {
    return JSON.stringify({
      action: this.action,
      policies: [...this.policies],
      profiles: [...this.profiles],
      entries: [...this.entries],
      check: [...this.checks],
    });
  }
}

export interface DlpLogFields {
  dlp_action: DlpAction;
  dlp_policies: string[];
  dlp_profiles: string[];
  dlp_entries: string[];
  dlp_check: DlpCheck[];
}

export const DLP_HEADER = "cf-aig-dlp";

/** The outcome of a request, kept on its record so both directions and the log row share it. */
const outcomes = new WeakMap<object, DlpOutcome>();

export function dlpOutcomeOf(record: object): DlpOutcome {
  let outcome = outcomes.get(record);
  if (!outcome) {
    outcome = new DlpOutcome();
    outcomes.set(record, outcome);
  }
  return outcome;
}

export function existingDlpOutcome(record: object): DlpOutcome | undefined {
  return outcomes.get(record);
}
