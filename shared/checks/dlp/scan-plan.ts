import type { DlpAction, DlpCheck, DlpSettings } from "../../schemas/dlp-settings.ts";
import { type ProfileLookup, predefinedLookup } from "./custom-profile-detectors.ts";
import type { Detector } from "./detectors/detector.ts";

/** One detector as a direction's policies apply it: the strongest action any of them asks, and who asked. */
export interface PlannedEntry {
  detector: Detector;
  profileId: string;
  action: DlpAction;
  policyIds: string[];
}

/** What one direction (request or response) of one gateway scans for. */
export interface ScanPlan {
  check: DlpCheck;
  entries: PlannedEntry[];
}

/** Something found: which entry, and where in the text scanned. */
export interface DlpHit {
  entry: PlannedEntry;
  start: number;
  end: number;
}

const STRENGTH: Record<DlpAction, number> = { FLAG: 0, REDACT: 1, BLOCK: 2 };

export const strongerAction = (a: DlpAction, b: DlpAction): DlpAction => (STRENGTH[a] >= STRENGTH[b] ? a : b);

interface NormalizedPolicy {
  id: string;
  action: DlpAction;
  checks: readonly DlpCheck[];
  profiles: readonly string[];
}

/**
 * The enabled policies of the `dlp` field in one list. The single-policy shape has no id and no check
 * list: it is the policy `default`, checking both directions (Cloudflare's single shape predates `check`).
 */
function enabledPolicies(settings: DlpSettings | null | undefined): NormalizedPolicy[] {
  if (!settings?.enabled) return [];
  if (settings.policies) {
    return settings.policies
      .filter((policy) => policy.enabled)
      .map((policy) => ({
        id: policy.id,
        action: policy.action,
        checks: policy.check,
        profiles: policy.profiles,
      }));
  }
  if (!settings.action) return [];
  return [
    {
      id: "default",
      action: settings.action,
      checks: ["REQUEST", "RESPONSE"],
      profiles: settings.profiles ?? [],
    },
  ];
}

type PlansByCheck = Partial<Record<DlpCheck, ScanPlan | null>>;

/**
 * Plans already built, per `dlp` settings object and profile lookup. The gateway resolver keeps one gateway
 * object per read (CONFIG_CACHE_TTL_MS), and the lookups are shared while the custom profiles they hold are
 * unchanged (custom-profile-detectors.ts), so a gateway's plan is built once per read rather than three times
 * per request (the request check, and the response's `appliesTo` and transform). Weak keys: a gateway read
 * again, or a profile read again, gets new plans and lets the old ones go. Plans are never changed once built.
 */
const builtPlans = new WeakMap<DlpSettings, WeakMap<ProfileLookup, PlansByCheck>>();

/**
 * The plan of one direction, or null when no enabled policy checks it (nothing is scanned, nothing held
 * back). `profiles` finds a profile's detectors: the built-in ones, and the custom ones a request resolved.
 */
export function buildScanPlan(
  settings: DlpSettings | null | undefined,
  check: DlpCheck,
  profiles: ProfileLookup = predefinedLookup,
): ScanPlan | null {
  if (!settings?.enabled) return null;
  let byLookup = builtPlans.get(settings);
  if (!byLookup) {
    byLookup = new WeakMap();
    builtPlans.set(settings, byLookup);
  }
  let plans = byLookup.get(profiles);
  if (!plans) {
    plans = {};
    byLookup.set(profiles, plans);
  }
  const built = plans[check];
  if (built !== undefined) return built;
  const plan = planOf(settings, check, profiles);
  plans[check] = plan;
  return plan;
}

function planOf(settings: DlpSettings, check: DlpCheck, profiles: ProfileLookup): ScanPlan | null {
  const byEntry = new Map<string, PlannedEntry>();
  for (const policy of enabledPolicies(settings)) {
    if (!policy.checks.includes(check)) continue;
    for (const profileId of policy.profiles) {
      for (const detector of profiles(profileId) ?? []) {
        const key = `${profileId}/${detector.id}`;
        const planned = byEntry.get(key);
        if (planned) {
          planned.action = strongerAction(planned.action, policy.action);
          if (!planned.policyIds.includes(policy.id)) planned.policyIds.push(policy.id);
        } else {
          byEntry.set(key, { detector, profileId, action: policy.action, policyIds: [policy.id] });
        }
      }
    }
  }
  return byEntry.size === 0 ? null : { check, entries: [...byEntry.values()] };
}

/** Every hit of the plan in a whole text. */
export function scanText(plan: ScanPlan, text: string): DlpHit[] {
  return plan.entries.flatMap((entry) => entry.detector.find(text).map((match) => ({ entry, ...match })));
}

/** What a redacted match is replaced with. */
export const REDACTION = "[REDACTED]";

/** The text with the given ranges (which may overlap) replaced by REDACTION, one marker per merged range. */
export function redactRanges(text: string, ranges: readonly { start: number; end: number }[]): string {
  if (ranges.length === 0) return text;
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let result = "";
  let at = 0;
  for (const range of sorted) {
    if (range.end <= at) continue;
    if (range.start >= at) {
      result += text.slice(at, range.start) + REDACTION;
    }
    at = Math.max(at, range.end);
  }
  return result + text.slice(at);
}
