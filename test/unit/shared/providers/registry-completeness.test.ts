import { describe, expect, it } from "vitest";
import { extractOpenAIUsage } from "../../../../shared/providers/openai-compatible/usage.ts";
import type { ProviderDefinition } from "../../../../shared/providers/provider-definition.ts";
import { providerDefinitions } from "../../../../shared/providers/registry.ts";

/**
 * What each kind of registry row needs (docs/providers.md, "Adding a provider"), as a list of problems:
 * - every row: a usage extractor exactly when its usage format is not "none", the same extractor as every
 *   other row of that format, and a host rule exactly when its base URL is a template;
 * - a row on the unified API (one with a translator): a translator for its own slug and usage to log;
 * - the unified-only parts (model aliases, embeddings, a stream decoder, native Responses) only beside a
 *   translator;
 * - aliases that name no other provider.
 */
function registryProblems(rows: readonly ProviderDefinition[]): string[] {
  const problems: string[] = [];
  const extractorOfFormat = new Map<string, unknown>();
  const names = new Map<string, string>();
  for (const row of rows) {
    const name = (what: string) => {
      const owner = names.get(what);
      if (owner !== undefined) problems.push(`${row.slug}: "${what}" already names ${owner}`);
      names.set(what, row.slug);
    };
    name(row.slug);
    for (const alias of row.modelAliases ?? []) name(alias);

    if (row.usageFormat === "none") {
      if (row.usageExtractor !== undefined) problems.push(`${row.slug}: usage extractor for format "none"`);
    } else if (row.usageExtractor === undefined) {
      problems.push(`${row.slug}: usage format "${row.usageFormat}" without a usage extractor`);
    } else {
      const shared = extractorOfFormat.get(row.usageFormat);
      if (shared !== undefined && shared !== row.usageExtractor)
        problems.push(`${row.slug}: a second usage extractor for format "${row.usageFormat}"`);
      extractorOfFormat.set(row.usageFormat, row.usageExtractor);
    }

    const templated = row.baseUrl.includes("{");
    if (templated && row.upstreamHost === undefined)
      problems.push(`${row.slug}: templated base URL without an upstream host rule`);
    if (!templated && row.upstreamHost !== undefined)
      problems.push(`${row.slug}: upstream host rule beside a fixed base URL`);

    if (row.translator === undefined) {
      if (row.modelAliases !== undefined) problems.push(`${row.slug}: model aliases without a translator`);
      if (row.embeddings !== undefined) problems.push(`${row.slug}: embeddings without a translator`);
      if (row.streamDecoder !== undefined) problems.push(`${row.slug}: stream decoder without a translator`);
      if (row.nativeResponses === true) problems.push(`${row.slug}: native Responses without a translator`);
    } else {
      const translated = row.translator({}).provider;
      if (translated !== row.slug) problems.push(`${row.slug}: its translator is ${translated}'s`);
      if (row.usageFormat === "none") problems.push(`${row.slug}: on the unified API without usage`);
    }
  }
  return problems;
}

const complete: ProviderDefinition = {
  slug: "acme",
  baseUrl: "https://api.acme.test",
  credentialStyle: "bearer",
  usageFormat: "openai",
  usageExtractor: extractOpenAIUsage,
};

describe("provider registry completeness", () => {
  it("gives every row the parts its kind needs", () => {
    expect(registryProblems(providerDefinitions())).toEqual([]);
  });

  it.each<[string, Partial<ProviderDefinition>, RegExp]>([
    ["a usage format without an extractor", { usageExtractor: undefined }, /without a usage extractor/],
    [
      "a templated host without a rule",
      { baseUrl: "https://{region}.acme.test" },
      /without an upstream host/,
    ],
    ["model aliases without a translator", { modelAliases: ["acme-ai"] }, /aliases without a translator/],
    [
      "embeddings without a translator",
      { embeddings: () => ({}) as never },
      /embeddings without a translator/,
    ],
    ["native Responses without a translator", { nativeResponses: true }, /Responses without a translator/],
    ["an alias that is another provider's slug", { modelAliases: ["openai"] }, /already names openai/],
    [
      "a translator that is another provider's",
      { translator: () => ({ provider: "openai" }) as never },
      /its translator is openai's/,
    ],
  ])("reports %s", (_, broken, problem) => {
    const rows = [...providerDefinitions(), { ...complete, ...broken }];
    expect(registryProblems(rows).join("\n")).toMatch(problem);
  });

  it("reports a second extractor for a shared usage format", () => {
    const rows = [...providerDefinitions(), { ...complete, usageExtractor: () => null }];
    expect(registryProblems(rows)).toEqual(['acme: a second usage extractor for format "openai"']);
  });
});
