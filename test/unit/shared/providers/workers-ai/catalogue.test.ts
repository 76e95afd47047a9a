import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";
import { findPrice } from "../../../../../shared/pricing/model-match.ts";
import { PLATFORM_CATALOGUE } from "../../../../../shared/providers/workers-ai/catalogue.ts";
import {
  bedrockModelFor,
  platformModelIds,
  resolvePlatformModel,
  workersAiIdOf,
} from "../../../../../shared/providers/workers-ai/platform-model.ts";

const rows = PLATFORM_CATALOGUE.map((row) => [row.id, row] as const);

describe("the platform catalogue (Workers AI ids served by Bedrock)", () => {
  it("has unique Workers AI ids, each @cf/{vendor}/{model}", () => {
    expect(new Set(platformModelIds()).size).toBe(PLATFORM_CATALOGUE.length);
    for (const id of platformModelIds()) expect(id).toMatch(/^@cf\/[a-z0-9-]+\/[a-z0-9.-]+$/);
  });

  it.each(rows)("%s names its sources: the Workers AI model page and the Bedrock page", (_id, row) => {
    expect(new URL(row.workersSource).href).toMatch(
      /^https:\/\/developers\.cloudflare\.com\/workers-ai\/models\//,
    );
    expect(new URL(row.bedrockSource).href).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/bedrock\//);
  });

  it.each(rows)("%s: its Bedrock model has a price in the pricing table, in every geography", (_id, row) => {
    for (const region of ["us-east-1", "eu-west-1", "ap-northeast-1"]) {
      expect(findPrice("aws-bedrock", bedrockModelFor(row, region)), region).not.toBeNull();
    }
  });

  it("calls models Bedrock serves through inference profiles by the profile of the region's geography", () => {
    const llama33 = resolvePlatformModel("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    expect(bedrockModelFor(llama33, "us-west-2")).toBe("us.meta.llama3-3-70b-instruct-v1:0");
    expect(bedrockModelFor(llama33, "eu-central-1")).toBe("eu.meta.llama3-3-70b-instruct-v1:0");
    expect(bedrockModelFor(llama33, "ap-southeast-2")).toBe("apac.meta.llama3-3-70b-instruct-v1:0");
    expect(bedrockModelFor(resolvePlatformModel("@cf/openai/gpt-oss-120b"), "eu-west-1")).toBe(
      "openai.gpt-oss-120b-1:0",
    );
  });

  it("refuses a Workers AI id Bedrock does not host with a 400 that says so and lists the catalogue", () => {
    let caught: unknown;
    try {
      resolvePlatformModel("@cf/moonshotai/kimi-k2.6");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    const error = caught as GatewayError;
    expect(error.status).toBe(400);
    expect(error.publicMessage).toContain('"@cf/moonshotai/kimi-k2.6" is not served here');
    expect(error.publicMessage).toContain("Bedrock does not host this one");
    for (const id of platformModelIds()) expect(error.publicMessage).toContain(id);
  });

  it("recognises Workers AI ids bare and under Cloudflare's compat prefix workers-ai/, and nothing else", () => {
    expect(workersAiIdOf("@cf/openai/gpt-oss-20b")).toBe("@cf/openai/gpt-oss-20b");
    expect(workersAiIdOf("workers-ai/@cf/openai/gpt-oss-20b")).toBe("@cf/openai/gpt-oss-20b");
    expect(workersAiIdOf("@hf/mistral/mistral-7b-instruct-v0.2")).toBe(
      "@hf/mistral/mistral-7b-instruct-v0.2",
    );
    expect(workersAiIdOf("openai/gpt-4o-mini")).toBeNull();
    expect(workersAiIdOf("workers-ai/llama")).toBeNull();
  });
});
