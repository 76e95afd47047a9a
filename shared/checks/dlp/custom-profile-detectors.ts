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
  /**
   * The last lookup built for a settings object, with the detectors it holds: reused while every profile
   * read is the same, so that the scan plans built from it are reused too (scan-plan.ts).
   */
  private readonly lookups = new WeakMap<
    DlpSettings,
    { custom: Map<string, readonly Detector[]>; lookup: ProfileLookup }
  >();

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
    // Without custom profiles (DLP off, or built-in profiles only) the lookup is the built-in one, which
    // lookupFor returns for a record it does not know.
    if (!settings || custom.size === 0) return predefinedLookup;
    const lookup = this.lookupFor(settings, custom);
    resolved.set(record, lookup);
    return lookup;
  }

  private lookupFor(settings: DlpSettings, custom: Map<string, readonly Detector[]>): ProfileLookup {
    const last = this.lookups.get(settings);
    if (last && sameDetectors(last.custom, custom)) return last.lookup;
    const lookup: ProfileLookup = (id) => PREDEFINED.get(id) ?? custom.get(id);
    this.lookups.set(settings, { custom, lookup });
    return lookup;
  }
}

function sameDetectors(a: Map<string, readonly Detector[]>, b: Map<string, readonly Detector[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, detectors] of a) if (b.get(id) !== detectors) return false;
  return true;
}
