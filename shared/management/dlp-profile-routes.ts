import { PREDEFINED_PROFILES, type PredefinedProfile } from "../checks/dlp/predefined-profiles.ts";
import { GatewayError } from "../core/gateway-error.ts";
import { envelope } from "./envelope.ts";
import { notFound } from "./path-params.ts";
import type { RouteContext } from "./route-types.ts";

/**
 * Cloudflare's DLP profiles API (`/client/v4/accounts/{account_id}/dlp/profiles`), in its shape:
 * `{id, name, type, entries: [{id, name, enabled, type, profile_id}]}`. The predefined profiles are the
 * built-in ones (predefined-profiles.ts), their entries the detectors, always enabled.
 */
export function renderPredefinedProfile(profile: PredefinedProfile) {
  return {
    id: profile.id,
    name: profile.name,
    type: "predefined" as const,
    entries: profile.detectors.map((detector) => ({
      id: detector.id,
      name: detector.name,
      enabled: true,
      type: "predefined" as const,
      profile_id: profile.id,
    })),
  };
}

/** Predefined ids are slugs, custom ones UUIDs: anything else is not an id this API hands out. */
const PROFILE_ID_PATTERN = /^[a-z0-9-]{1,128}$/i;

function profileIdParam(context: RouteContext): string {
  const id = context.params.profile_id ?? "";
  if (!PROFILE_ID_PATTERN.test(id)) {
    throw GatewayError.badRequest(`Invalid DLP profile id ${JSON.stringify(id.slice(0, 80))}`);
  }
  return id;
}

export async function listDlpProfiles(_context: RouteContext): Promise<Response> {
  return envelope(PREDEFINED_PROFILES.map(renderPredefinedProfile));
}

export async function getDlpProfile(context: RouteContext): Promise<Response> {
  const id = profileIdParam(context);
  const predefined = PREDEFINED_PROFILES.find((profile) => profile.id === id);
  if (predefined) return envelope(renderPredefinedProfile(predefined));
  throw notFound("DLP profile", id);
}
