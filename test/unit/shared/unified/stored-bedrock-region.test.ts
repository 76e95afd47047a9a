import { describe, expect, it } from "vitest";
import type { ProviderKeyResolver } from "../../../../shared/core/provider-credentials.ts";
import { defaultGateway } from "../../../../shared/schemas/gateway.ts";
import { storedBedrockRegion } from "../../../../shared/unified/stored-bedrock-region.ts";

const keyStore = (secret: string | null): ProviderKeyResolver => ({
  resolve: async () => (secret === null ? { aliases: [] } : { secret }),
});
const gateway = { ...defaultGateway("g", new Date(0)), authentication: true };
const request = { accountId: "a", gateway, alias: null };
const key = (region: unknown) => JSON.stringify({ accessKeyId: "AKIA", secretAccessKey: "s", region });

describe("storedBedrockRegion", () => {
  it("is the stored key's region", async () => {
    expect(await storedBedrockRegion(keyStore(key("eu-west-3")), request)).toBe("eu-west-3");
    expect(await storedBedrockRegion(keyStore(key("us-gov-west-1")), request)).toBe("us-gov-west-1");
  });

  it.each([
    ["no key is stored", keyStore(null), request],
    [
      "the key names no region",
      keyStore(JSON.stringify({ accessKeyId: "A", secretAccessKey: "s" })),
      request,
    ],
    ["the key is not JSON", keyStore("not json"), request],
    [
      "the gateway may not use stored keys",
      keyStore(key("eu-west-3")),
      { ...request, gateway: { ...gateway, authentication: false } },
    ],
    ["there is no key store", null, request],
  ])("is null when %s", async (_case, keys, input) => {
    expect(await storedBedrockRegion(keys, input)).toBeNull();
  });

  it.each(["evil.example.com/", "us-east-1.attacker", "US-EAST-1", "", "eu-west-3 "])(
    "refuses a region %j that could not be a region (it becomes part of a host name)",
    async (region) => {
      expect(await storedBedrockRegion(keyStore(key(region)), request)).toBeNull();
    },
  );
});
