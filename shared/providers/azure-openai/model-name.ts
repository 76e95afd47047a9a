import { GatewayError } from "../../core/gateway-error.ts";

/**
 * The unified model name of an Azure OpenAI deployment: `azure-openai/{resource}/{deployment}` - the same
 * two values, in the same order, as the provider-native path `/azure-openai/{resource}/{deployment}/...`
 * (reference section 2). The resource becomes a host name (`{resource}.openai.azure.com`), so it is checked
 * as one DNS label exactly as shared/providers/upstream-url.ts checks templated hosts; the deployment
 * becomes one path segment, so it may hold only the characters Azure allows in deployment names.
 */
const RESOURCE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DEPLOYMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface AzureDeployment {
  resource: string;
  deployment: string;
}

export function parseAzureModel(model: string): AzureDeployment {
  const [resource = "", deployment = "", ...rest] = model.split("/");
  if (rest.length > 0 || resource === "" || deployment === "") {
    throw GatewayError.badRequest(
      `Model "azure-openai/${model.slice(0, 120)}": use "azure-openai/{resource}/{deployment}", for example "azure-openai/my-resource/gpt-4o-mini"`,
    );
  }
  if (!RESOURCE.test(resource)) {
    throw GatewayError.badRequest(
      `Invalid Azure resource name "${resource.slice(0, 80)}": lowercase letters, digits and hyphens, as in {resource}.openai.azure.com`,
    );
  }
  if (!DEPLOYMENT.test(deployment)) {
    throw GatewayError.badRequest(
      `Invalid Azure deployment name "${deployment.slice(0, 80)}": letters, digits, ".", "_" and "-", up to 64 characters`,
    );
  }
  return { resource, deployment };
}
