import type { RequestRecord } from "../../core/build-log-event.ts";
import { ERROR_CODES, GatewayError } from "../../core/gateway-error.ts";
import { TtlCache } from "../../core/ttl-cache.ts";
import type { DlpSettings } from "../../schemas/dlp-settings.ts";
import type { CustomDlpProfile } from "../../store/dlp-profile-store.ts";
import { customRegexDetector, wordListDetector } from "./detectors/custom.ts";
import type { Detector } from "./detectors/detector.ts";
import { PREDEFINED_PROFILES } from "./predefined-profiles.ts";

/** The detectors of a profile id, or undefined when there is no such profile. */
export type ProfileLookup = (profileId: string) => readonly Detector[] | undefined;

const PREDEFINED = new Map(PREDEFINED_PROFILES.map((profile) => [profile.id, profile.detectors]));

export const predefinedLookup: ProfileLookup = (profileId) => PREDEFINED.get(profileId);

/** Where custom profiles are read from (DlpProfileStore). */
export interface CustomProfileSource {
  get(accountId: string, id: string): Promise<CustomDlpProfile | undefined>;
}

/** A custom profile's enabled entries as detectors (custom.ts; patterns were accepted by its guard when stored). */
export function detectorsOf(profile: CustomDlpProfile): Detector[] {
  return profile.entries
    .filter((entry) => entry.enabled)
    .map((entry) =>
      entry.words
        ? wordListDetector(entry.id, entry.name, entry.words)
        : customRegexDetector(entry.id, entry.name, entry.pattern?.regex ?? ""),
    );
}

/** Every profile id the enabled `dlp` field names. */
export function namedProfileIds(settings: DlpSettings | null | undefined): string[] {
  if (!settings?.enabled) return [];
  const ids = settings.policies
    ? settings.policies.filter((policy) => policy.enabled).flatMap((policy) => policy.profiles)
    : (settings.profiles ?? []);
  return [...new Set(ids)];
}

/** The lookup a request's checks resolved, kept for its response checks (the same record). */
const resolved = new WeakMap<RequestRecord, ProfileLookup>();

export function lookupFor(record: RequestRecord): ProfileLookup {
  return resolved.get(record) ?? predefinedLookup;
}

/**
 * Custom profiles for the hot path: each read from the config table at most once per CONFIG_CACHE_TTL_MS
 * per instance (as gateways are), its detectors built once per read.
 */
export class CustomProfileDetectors {
  private readonly cache: TtlCache<Detector[] | null>;

  constructor(
    private readonly source: CustomProfileSource,
    ttlMs: number,
  ) {
    this.cache = new TtlCache(ttlMs);
  }

  /**
   * Loads the custom profiles the settings name and keeps the lookup for this request's response checks.
   * A named profile that no longer exists (deleted after the gateway named it) refuses the request: a
   * policy must never pass silently scanning for nothing (docs/dlp.md).
   */
  async resolve(
    accountId: string,
    settings: DlpSettings | null | undefined,
    record: RequestRecord,
  ): Promise<ProfileLookup> {
    const custom = new Map<string, readonly Detector[]>();
    for (const id of namedProfileIds(settings)) {
      if (PREDEFINED.has(id)) continue;
      const detectors = await this.cache.get(`${accountId}/${id}`, async () => {
        const profile = await this.source.get(accountId, id);
        return profile ? detectorsOf(profile) : null;
      });
      if (!detectors) {
        throw new GatewayError({
          status: 500,
          code: ERROR_CODES.internal,
          message: `The gateway's DLP names the custom profile "${id}", which no longer exists`,
          expose: true,
        });
      }
      custom.set(id, detectors);
    }
    const lookup: ProfileLookup = (id) => PREDEFINED.get(id) ?? custom.get(id);
    resolved.set(record, lookup);
    return lookup;
  }
}
