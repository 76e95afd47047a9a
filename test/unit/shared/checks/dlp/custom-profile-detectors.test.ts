import { describe, expect, it } from "vitest";
import {
  CustomProfileDetectors,
  detectorsOf,
  lookupFor,
  namedProfileIds,
  predefinedLookup,
} from "../../../../../shared/checks/dlp/custom-profile-detectors.ts";
import { buildScanPlan, scanText } from "../../../../../shared/checks/dlp/scan-plan.ts";
import type { RequestRecord } from "../../../../../shared/core/build-log-event.ts";
import type { DlpSettings } from "../../../../../shared/schemas/dlp-settings.ts";
import type { CustomDlpProfile } from "../../../../../shared/store/dlp-profile-store.ts";

const at = "2026-01-01T00:00:00.000Z";
const profile: CustomDlpProfile = {
  id: "11111111-1111-4111-8111-111111111111",
  account_id: "acct",
  name: "Codes",
  description: null,
  created_at: at,
  updated_at: at,
  entries: [
    {
      id: "e1",
      name: "ids",
      enabled: true,
      description: null,
      pattern: { regex: "PRJ-[0-9]{6}" },
      created_at: at,
      updated_at: at,
    },
    {
      id: "e2",
      name: "words",
      enabled: true,
      description: null,
      words: ["bluebird"],
      created_at: at,
      updated_at: at,
    },
    {
      id: "e3",
      name: "off",
      enabled: false,
      description: null,
      words: ["hello"],
      created_at: at,
      updated_at: at,
    },
  ],
};

describe("custom profile detectors", () => {
  it("makes a detector of each enabled entry: regexes and word lists", () => {
    expect(detectorsOf(profile).map((detector) => detector.id)).toEqual(["e1", "e2"]);
  });

  it("plans a direction with the custom profile's detectors beside the built-in ones", () => {
    const settings = {
      enabled: true,
      policies: [
        {
          id: "p",
          action: "BLOCK" as const,
          check: ["RESPONSE" as const],
          enabled: true,
          profiles: [profile.id, "contact-information"],
        },
      ],
    };
    const detectors = detectorsOf(profile);
    const plan = buildScanPlan(settings, "RESPONSE", (id) =>
      id === profile.id ? detectors : predefinedLookup(id),
    );
    const hits = plan ? scanText(plan, "PRJ-123456, a Bluebird, hello, mail jane.doe@example.com now") : [];
    expect(hits.map((hit) => hit.entry.detector.id).sort()).toEqual(["e1", "e2", "email"]);
    // Without the lookup (the built-in profiles only) the custom id scans nothing.
    expect(
      buildScanPlan(settings, "RESPONSE")?.entries.every((entry) => entry.profileId !== profile.id),
    ).toBe(true);
  });

  it("names each profile of the enabled policies once", () => {
    expect(
      namedProfileIds({
        enabled: true,
        policies: [
          { id: "a", action: "FLAG", check: ["REQUEST"], enabled: true, profiles: ["x", "y"] },
          { id: "b", action: "FLAG", check: ["REQUEST"], enabled: false, profiles: ["z"] },
          { id: "c", action: "FLAG", check: ["REQUEST"], enabled: true, profiles: ["x"] },
        ],
      }),
    ).toEqual(["x", "y"]);
    expect(namedProfileIds({ enabled: false, action: "FLAG", profiles: ["x"] })).toEqual([]);
  });

  describe("CustomProfileDetectors.resolve", () => {
    const naming = (profiles: string[]): DlpSettings => ({
      enabled: true,
      policies: [{ id: "p", action: "FLAG", check: ["REQUEST", "RESPONSE"], enabled: true, profiles }],
    });
    const source = { get: async (_account: string, id: string) => (id === profile.id ? profile : undefined) };
    const record = () => ({ id: "log" }) as RequestRecord;

    it("gives the built-in lookup when the gateway names no custom profile, or has DLP off", async () => {
      const profiles = new CustomProfileDetectors(source, 60_000);
      const row = record();
      expect(await profiles.resolve("acct", naming(["financial-information"]), row)).toBe(predefinedLookup);
      expect(await profiles.resolve("acct", null, row)).toBe(predefinedLookup);
      expect(lookupFor(row)).toBe(predefinedLookup);
    });

    it("keeps one lookup per gateway while its profiles are the ones read, so its scan plans are built once", async () => {
      const profiles = new CustomProfileDetectors(source, 60_000);
      const settings = naming([profile.id, "financial-information"]);
      const first = record();
      const second = record();
      const lookup = await profiles.resolve("acct", settings, first);
      expect(await profiles.resolve("acct", settings, second)).toBe(lookup);
      expect(lookupFor(second)).toBe(lookup);
      expect(lookup(profile.id)?.map((detector) => detector.id)).toEqual(["e1", "e2"]);
      expect(buildScanPlan(settings, "REQUEST", lookupFor(second))).toBe(
        buildScanPlan(settings, "REQUEST", lookupFor(first)),
      );
    });

    it("builds a new lookup once a profile is read again (its cache entry expired)", async () => {
      const profiles = new CustomProfileDetectors(source, 0);
      const settings = naming([profile.id]);
      const lookup = await profiles.resolve("acct", settings, record());
      expect(await profiles.resolve("acct", settings, record())).not.toBe(lookup);
    });
  });
});
