import { GatewayError } from "../core/gateway-error.ts";
import { CUSTOM_PROFILE_ID_PATTERN, type DlpSettings, namedDlpProfiles } from "../schemas/dlp-settings.ts";
import { conflict } from "../store/conflict-error.ts";
import type { RouteContext } from "./route-types.ts";

/**
 * The gateway schema accepts a custom profile's id by its form (a UUID); this checks, before the gateway
 * is written, that each one named by an enabled `dlp` is a custom profile of the account: a policy must
 * never silently scan for nothing.
 */
/**
 * A custom profile is deleted only once no gateway with DLP on names it (409 naming them otherwise): a
 * policy must never silently scan for nothing.
 */
export async function refuseDeletingUsedProfile(context: RouteContext, id: string): Promise<void> {
  const { items } = await context.deps.gateways.list(context.accountId, {
    page: 1,
    per_page: Number.MAX_SAFE_INTEGER,
  });
  const users = items
    .filter(
      (gateway) => gateway.dlp?.enabled && namedDlpProfiles(gateway.dlp).some((named) => named.id === id),
    )
    .map((gateway) => gateway.id);
  if (users.length > 0) {
    throw conflict(
      `custom DLP profile "${id}" is used by gateway(s) ${users.join(", ")}: take it out of their dlp first`,
    );
  }
}

export async function requireKnownDlpProfiles(
  context: RouteContext,
  settings: DlpSettings | null | undefined,
): Promise<void> {
  if (!settings?.enabled) return;
  for (const { id, path: at } of namedDlpProfiles(settings)) {
    const path = ["dlp", ...at].join(".");
    if (!CUSTOM_PROFILE_ID_PATTERN.test(id)) continue;
    if (!(await context.deps.dlpProfiles.get(context.accountId, id))) {
      throw GatewayError.badRequest(`${path}: unknown DLP profile "${id}" (GET .../dlp/profiles lists them)`);
    }
  }
}
