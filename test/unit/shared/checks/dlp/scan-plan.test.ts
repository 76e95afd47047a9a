import { describe, expect, it } from "vitest";
import { predefinedLookup } from "../../../../../shared/checks/dlp/custom-profile-detectors.ts";
import { buildScanPlan } from "../../../../../shared/checks/dlp/scan-plan.ts";
import type { DlpSettings } from "../../../../../shared/schemas/dlp-settings.ts";

const settings = (): DlpSettings => ({
  enabled: true,
  policies: [
    { id: "in", action: "BLOCK", check: ["REQUEST"], enabled: true, profiles: ["financial-information"] },
    {
      id: "both",
      action: "FLAG",
      check: ["REQUEST", "RESPONSE"],
      enabled: true,
      profiles: ["credentials-and-secrets"],
    },
  ],
});

describe("buildScanPlan", () => {
  it("plans each direction from the policies that check it", () => {
    const gateway = settings();
    const request = buildScanPlan(gateway, "REQUEST");
    const response = buildScanPlan(gateway, "RESPONSE");
    expect(new Set(request?.entries.map((entry) => entry.profileId))).toEqual(
      new Set(["financial-information", "credentials-and-secrets"]),
    );
    expect(new Set(response?.entries.map((entry) => entry.profileId))).toEqual(
      new Set(["credentials-and-secrets"]),
    );
  });

  it("plans nothing while DLP is off or no enabled policy checks the direction", () => {
    expect(buildScanPlan(null, "REQUEST")).toBeNull();
    expect(buildScanPlan({ ...settings(), enabled: false }, "REQUEST")).toBeNull();
    const requestOnly: DlpSettings = {
      enabled: true,
      policies: [
        { id: "in", action: "BLOCK", check: ["REQUEST"], enabled: true, profiles: ["financial-information"] },
      ],
    };
    expect(buildScanPlan(requestOnly, "RESPONSE")).toBeNull();
    expect(buildScanPlan(requestOnly, "RESPONSE")).toBeNull();
  });

  it("builds a gateway's plan once: the same settings and lookup give the same plan on every request", () => {
    const gateway = settings();
    const first = buildScanPlan(gateway, "REQUEST");
    expect(buildScanPlan(gateway, "REQUEST")).toBe(first);
    expect(buildScanPlan(gateway, "REQUEST", predefinedLookup)).toBe(first);
    expect(buildScanPlan(gateway, "RESPONSE")).not.toBe(first);
  });

  it("plans a gateway read again (new settings) or another lookup afresh", () => {
    const before = settings();
    const plan = buildScanPlan(before, "RESPONSE");
    const after: DlpSettings = {
      ...before,
      policies: (before.policies ?? []).map((policy) => ({ ...policy, action: "BLOCK" })),
    };
    expect(buildScanPlan(after, "RESPONSE")?.entries.every((entry) => entry.action === "BLOCK")).toBe(true);
    expect(plan?.entries.every((entry) => entry.action === "FLAG")).toBe(true);
    expect(buildScanPlan(before, "RESPONSE", (id) => predefinedLookup(id))).not.toBe(plan);
  });
});
