import { describe, expect, it } from "vitest";
import { parseInput } from "../../../../shared/management/request-input.ts";
import { tokenCreateInputSchema } from "../../../../shared/schemas/api-token.ts";
import {
  baseUrlProblem,
  customProviderCreateInputSchema,
  UNSUPPORTED_CUSTOM_PROVIDER_FIELDS,
} from "../../../../shared/schemas/custom-provider.ts";
import {
  providerKeyCreateInputSchema,
  UNSUPPORTED_PROVIDER_KEY_FIELDS,
} from "../../../../shared/schemas/provider-key.ts";

describe("custom provider base_url", () => {
  it("accepts https with a root domain or a fixed prefix, stored without a trailing slash", () => {
    expect(baseUrlProblem("https://api.example.com")).toBeNull();
    expect(baseUrlProblem("https://api.example.com:8443/v1/")).toBeNull();
    const input = parseInput(customProviderCreateInputSchema, {
      name: "Acme",
      slug: "acme",
      base_url: "https://api.example.com/v1/",
    });
    expect(input.base_url).toBe("https://api.example.com/v1");
  });

  it("refuses other schemes, credentials, query strings, fragments and templates", () => {
    expect(baseUrlProblem("http://api.example.com")).toBe("must start with https://");
    expect(baseUrlProblem("ftp://api.example.com")).toBe("must start with https://");
    expect(baseUrlProblem("https://user:pw@api.example.com")).toBe("must not contain credentials");
    expect(baseUrlProblem("https://api.example.com/v1?key=1")).toBe("must not contain a query string");
    expect(baseUrlProblem("https://api.example.com/v1#x")).toBe("must not contain a fragment");
    expect(baseUrlProblem("https://api.example.com/{model}")).toMatch(/fixed prefix/);
    expect(baseUrlProblem("not a url")).toBe("is not a URL");
    expect(baseUrlProblem(" https://api.example.com")).toMatch(/spaces/);
  });
});

describe("custom provider input", () => {
  const valid = { name: "Acme", slug: "acme", base_url: "https://api.example.com" };

  it("defaults the optional fields as the reference says", () => {
    expect(parseInput(customProviderCreateInputSchema, valid)).toEqual({
      ...valid,
      description: null,
      link: null,
      enable: false,
      beta: false,
      curl_example: null,
      js_example: null,
    });
  });

  it("refuses slugs outside lower-case letters, digits and inner hyphens", () => {
    for (const slug of ["Acme", "acme_ai", "-acme", "acme-", "a".repeat(65), ""]) {
      expect(() => parseInput(customProviderCreateInputSchema, { ...valid, slug })).toThrow(
        /slug: must be 1-64/,
      );
    }
  });

  it("refuses an empty or oversize name, and names the SDK fields it does not support", () => {
    expect(() => parseInput(customProviderCreateInputSchema, { ...valid, name: "  " })).toThrow(
      "name: must not be empty",
    );
    expect(() => parseInput(customProviderCreateInputSchema, { ...valid, name: "n".repeat(257) })).toThrow(
      /name: Too big/,
    );
    expect(() =>
      parseInput(
        customProviderCreateInputSchema,
        { ...valid, headers: "{}" },
        { unsupported: UNSUPPORTED_CUSTOM_PROVIDER_FIELDS },
      ),
    ).toThrow('Field "headers" is not supported by this gateway');
  });
});

describe("provider key input", () => {
  const parse = (body: Record<string, unknown>) =>
    parseInput(providerKeyCreateInputSchema, body, { unsupported: UNSUPPORTED_PROVIDER_KEY_FIELDS });

  it("defaults the alias and accepts (and ignores) Cloudflare's default_config", () => {
    expect(parse({ provider_slug: "openai", secret: "sk-1", default_config: true })).toMatchObject({
      alias: "default",
    });
  });

  it("accepts registry providers and custom-{slug}, refuses anything else", () => {
    expect(parse({ provider_slug: "custom-acme", secret: "k" }).provider_slug).toBe("custom-acme");
    expect(() => parse({ provider_slug: "not-a-provider", secret: "k" })).toThrow(
      /provider_slug: must be a provider/,
    );
  });

  it("refuses Secrets Store references and per-key rate limits with the reason", () => {
    expect(() => parse({ provider_slug: "openai", secret_id: "abc" })).toThrow(
      /Field "secret_id" is not supported/,
    );
    expect(() => parse({ provider_slug: "openai", secret: "k", rate_limit: 5 })).toThrow(
      /Field "rate_limit"/,
    );
  });

  it("needs a Bedrock secret to be a JSON key pair with a region, without echoing it", () => {
    const good = JSON.stringify({
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: "s3cr3t",
      region: "us-east-1",
    });
    expect(parse({ provider_slug: "aws-bedrock", secret: good }).secret).toBe(good);
    expect(() => parse({ provider_slug: "aws-bedrock", secret: "AKIAEXAMPLE:s3cr3t" })).toThrow(
      /secret: for aws-bedrock must be a JSON string/,
    );
    const noRegion = JSON.stringify({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3cr3t-value" });
    let message = "";
    try {
      parse({ provider_slug: "aws-bedrock", secret: noRegion });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("secret: region");
    expect(message).not.toContain("s3cr3t-value");
  });

  it("refuses an alias outside the header-safe set", () => {
    expect(() => parse({ provider_slug: "openai", alias: "a b", secret: "k" })).toThrow(
      /alias: must be 1-64/,
    );
  });
});

describe("token input", () => {
  it("needs a name and one to three distinct scopes of read, edit, run", () => {
    expect(parseInput(tokenCreateInputSchema, { name: "ci", scopes: ["read", "run"] })).toEqual({
      name: "ci",
      scopes: ["read", "run"],
    });
    expect(() => parseInput(tokenCreateInputSchema, { name: "ci", scopes: [] })).toThrow(/scopes: Too small/);
    expect(() => parseInput(tokenCreateInputSchema, { name: "ci", scopes: ["admin"] })).toThrow(
      /scopes.0: Invalid option/,
    );
    expect(() => parseInput(tokenCreateInputSchema, { name: "ci", scopes: ["run", "run"] })).toThrow(
      "scopes: must not repeat a scope",
    );
    expect(() => parseInput(tokenCreateInputSchema, { name: "x".repeat(257), scopes: ["run"] })).toThrow(
      /name: Too big/,
    );
  });
});
