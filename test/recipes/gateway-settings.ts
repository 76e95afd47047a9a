/**
 * Where a client finds the gateway. Locally `npm start` prints these values; on AWS `url` is the stack's
 * `BaseUrl` output (the stage included), `accountId` your AWS account id, the token the admin token or a
 * gateway token (docs/security.md).
 */
export interface GatewaySettings {
  /** `http://127.0.0.1:8787` locally; `https://{api}.execute-api.{region}.amazonaws.com/prod` on AWS. */
  url: string;
  accountId: string;
  /** The gateway in the path (`default` exists from the start). */
  gatewayId: string;
  /** Sent as `cf-aig-authorization` on a gateway with authentication on; the REST surface's bearer token. */
  token: string;
  /** More headers for every call: the gateway's own options (`cf-aig-metadata`, `cf-aig-skip-cache`, ...). */
  headers?: Record<string, string>;
}

/** Provider-native surface: the provider's own API under `/v1/{account}/{gateway}/{provider}`. */
export const providerBaseUrl = (gateway: GatewaySettings, provider: string): string =>
  `${gateway.url}/v1/${gateway.accountId}/${gateway.gatewayId}/${provider}`;

/** Compat surface: OpenAI Chat Completions for every provider, the model named `{provider}/{model}`. */
export const compatBaseUrl = (gateway: GatewaySettings): string =>
  `${gateway.url}/v1/${gateway.accountId}/${gateway.gatewayId}/compat`;

/** REST surface: OpenAI and Anthropic formats, authenticated by an API token, provider keys stored. */
export const restBaseUrl = (gateway: GatewaySettings): string =>
  `${gateway.url}/client/v4/accounts/${gateway.accountId}/ai/v1`;

/** The headers every call on a gateway with authentication on carries. */
export const gatewayHeaders = (gateway: GatewaySettings): Record<string, string> => ({
  "cf-aig-authorization": `Bearer ${gateway.token}`,
  ...gateway.headers,
});
