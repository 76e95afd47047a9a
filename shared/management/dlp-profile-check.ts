import { GatewayError } from "../core/gateway-error.ts";
import { CUSTOM_PROFILE_ID_PATTERN, type DlpSettings } from "../schemas/dlp-settings.ts";
import type { RouteContext } from "./route-types.ts";

/**
 * The gateway schema accepts a custom profile's id by its form (a UUID); this checks, before the gateway
 * is written, that each one named by an enabled `dlp` is a custom profile of the account: a policy must
 * never silently scan for nothing.
 */
export async function requireKnownDlpProfiles(
  context: RouteContext,
  settings: DlpSettings | null | undefined,
): Promise<void> {
  if (!settings?.enabled) return;
  const named = settings.policies
    ? settings.policies.flatMap((policy, index) =>
        policy.profiles.map((id, at) => ({ id, path: `dlp.policies.${index}.profiles.${at}` })),
      )
    : (settings.profiles ?? []).map((id, at) => ({ id, path: `dlp.profiles.${at}` }));
  for (const { id, path } of named) {
    if (!CUSTOM_PROFILE_ID_PATTERN.test(id)) continue;
    if (!(await context.deps.dlpProfiles.get(context.accountId, id))) {
      throw GatewayError.badRequest(`${path}: unknown DLP profile "${id}" (GET .../dlp/profiles lists them)`);
    }
  }
}
