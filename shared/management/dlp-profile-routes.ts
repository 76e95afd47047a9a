import { PREDEFINED_PROFILES, type PredefinedProfile } from "../checks/dlp/predefined-profiles.ts";
import { GatewayError } from "../core/gateway-error.ts";
import {
  customDlpProfileInputSchema,
  customDlpProfilesInputSchema,
  UNSUPPORTED_DLP_PROFILE_FIELDS,
} from "../schemas/dlp-profile.ts";
import type { CustomDlpProfile } from "../store/dlp-profile-store.ts";
import { refuseDeletingUsedProfile } from "./dlp-profile-check.ts";
import { envelope } from "./envelope.ts";
import { notFound, uuidParam } from "./path-params.ts";
import { parseInput, readJsonObject } from "./request-input.ts";
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

/**
 * A custom profile as Cloudflare gives it: entries of type `custom` (a regex) or `word_list` (our
 * `words`, documented in docs/dlp.md), each with its profile id.
 */
export function renderCustomProfile(profile: CustomDlpProfile) {
  const { account_id, ...rest } = profile;
  return {
    ...rest,
    type: "custom" as const,
    entries: profile.entries.map((entry) => ({
      ...entry,
      type: entry.words ? ("word_list" as const) : ("custom" as const),
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

const customIdParam = (context: RouteContext) => uuidParam(context, "profile_id", "custom DLP profile");

export async function listDlpProfiles(context: RouteContext): Promise<Response> {
  const custom = await context.deps.dlpProfiles.list(context.accountId);
  return envelope([...PREDEFINED_PROFILES.map(renderPredefinedProfile), ...custom.map(renderCustomProfile)]);
}

export async function getDlpProfile(context: RouteContext): Promise<Response> {
  const id = profileIdParam(context);
  const predefined = PREDEFINED_PROFILES.find((profile) => profile.id === id);
  if (predefined) return envelope(renderPredefinedProfile(predefined));
  const custom = /^[0-9a-f-]{36}$/i.test(id)
    ? await context.deps.dlpProfiles.get(context.accountId, id.toLowerCase())
    : undefined;
  if (custom) return envelope(renderCustomProfile(custom));
  throw notFound("DLP profile", id);
}

export async function getCustomDlpProfile(context: RouteContext): Promise<Response> {
  const id = customIdParam(context);
  const profile = await context.deps.dlpProfiles.get(context.accountId, id);
  if (!profile) throw notFound("custom DLP profile", id);
  return envelope(renderCustomProfile(profile));
}

/**
 * Cloudflare's two bodies: one profile (`{name, entries}`, the SDK's), answered with the profile, or the
 * older `{profiles: [...]}`, answered with the list. Every profile is validated before any is written.
 */
export async function createCustomDlpProfile(context: RouteContext): Promise<Response> {
  const body = await readJsonObject(context.request);
  const options = { unsupported: UNSUPPORTED_DLP_PROFILE_FIELDS };
  if ("profiles" in body) {
    const { profiles } = parseInput(customDlpProfilesInputSchema, body, options);
    const created = [];
    for (const input of profiles)
      created.push(await context.deps.dlpProfiles.create(context.accountId, input));
    return envelope(created.map(renderCustomProfile));
  }
  const input = parseInput(customDlpProfileInputSchema, body, options);
  return envelope(renderCustomProfile(await context.deps.dlpProfiles.create(context.accountId, input)));
}

export async function updateCustomDlpProfile(context: RouteContext): Promise<Response> {
  const id = customIdParam(context);
  const input = parseInput(customDlpProfileInputSchema, await readJsonObject(context.request), {
    unsupported: UNSUPPORTED_DLP_PROFILE_FIELDS,
  });
  const updated = await context.deps.dlpProfiles.update(context.accountId, id, input);
  if (!updated) throw notFound("custom DLP profile", id);
  return envelope(renderCustomProfile(updated));
}

/**
 * Refused while a gateway with DLP on names the profile. Should one still name it (a gateway written while
 * the profile was deleted), its DLP check refuses to run (docs/dlp.md): a profile that scans for nothing
 * must never pass silently.
 */
export async function deleteCustomDlpProfile(context: RouteContext): Promise<Response> {
  const id = customIdParam(context);
  await refuseDeletingUsedProfile(context, id);
  const deleted = await context.deps.dlpProfiles.delete(context.accountId, id);
  if (!deleted) throw notFound("custom DLP profile", id);
  return envelope(renderCustomProfile(deleted));
}
