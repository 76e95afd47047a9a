import { GatewayError } from "../../core/gateway-error.ts";
import type { ProviderTranslator } from "../../translation/types.ts";
import { createOpenAICompatibleTranslator } from "../openai-compatible/translator.ts";
import { parseAzureModel } from "./model-name.ts";

/**
 * Azure OpenAI: the OpenAI wire format at `https://{resource}.openai.azure.com/openai/deployments/
 * {deployment}/chat/completions?api-version=...`, keyed by the `api-key` header. The translated path is
 * the provider-native rest path `{resource}/{deployment}/chat/completions`, which Azure's upstream host
 * rule (upstream-host.ts) turns into that URL (and the log records as the provider-native path would).
 * The body is the OpenAI request without `model`: the deployment in the path names the model.
 */
export const AZURE_DEFAULT_API_VERSION = "2024-10-21";

/** An api-version is a date with an optional `-preview`; nothing else reaches the URL. */
const API_VERSION = /^\d{4}-\d{2}-\d{2}(?:-preview)?$/;

const base = createOpenAICompatibleTranslator({
  provider: "azure-openai",
  path: "chat/completions",
  modelInPath: true,
  refusedParameters: [],
});

export function checkAzureApiVersion(value: string): string {
  if (!API_VERSION.test(value)) {
    throw GatewayError.badRequest(
      `Invalid api-version "${value.slice(0, 40)}": expected a date such as ${AZURE_DEFAULT_API_VERSION} (optionally -preview)`,
    );
  }
  return value;
}

/** The Azure translator; `apiVersion` (the caller's `?api-version=`) replaces the default when given. */
export function azureOpenAITranslator(apiVersion: string | null = null): ProviderTranslator {
  const version = apiVersion === null ? AZURE_DEFAULT_API_VERSION : checkAzureApiVersion(apiVersion);
  return {
    ...base,
    toProviderRequest(request, model) {
      const { resource, deployment } = parseAzureModel(model);
      const translated = base.toProviderRequest(request, deployment);
      return { ...translated, path: `${resource}/${deployment}/chat/completions?api-version=${version}` };
    },
  };
}
