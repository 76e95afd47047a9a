import Cloudflare from "cloudflare";
import OpenAI from "openai";
import { expect } from "vitest";
import { type LocalGateway, startLocalGateway } from "../../infra/local/server.ts";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "../mock-upstream/server.ts";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

export interface TestGateway {
  gateway: LocalGateway;
  mock: MockUpstream;
  /** The provider-native base URL of a provider on the `default` gateway. */
  providerUrl(provider: string, gatewayId?: string): string;
  /** The compat surface's base URL (OpenAI SDK `baseURL`) on a gateway. */
  compatUrl(gatewayId?: string): string;
  /** The REST surface's base URL, `/client/v4/accounts/{account}/ai/v1` (OpenAI SDK `baseURL`). */
  restUrl: string;
  /** Runs `call`, checks it made exactly one upstream request, and returns that request with the result. */
  upstreamOf<T>(call: () => Promise<T>): Promise<{ result: T; sent: RecordedRequest }>;
  /** Headers that authenticate to the `default` gateway (it has authentication on, as reference 4.3 says). */
  gatewayAuth: Record<string, string>;
  /** The OpenAI SDK on the `default` gateway's compat surface: the provider key as apiKey, gatewayAuth sent. */
  compatClient(apiKey?: string, headers?: Record<string, string>): OpenAI;
  /** The OpenAI SDK on the REST surface, authenticated by an API token with the run scope. */
  restClient(runToken: string, headers?: Record<string, string>): OpenAI;
  /** Cloudflare's SDK on the management API with the admin token; retries off (it retries 409s otherwise). */
  cloudflareClient(): Cloudflare;
  /** GET on the management API with the admin token; returns the parsed envelope. */
  management(path: string): Promise<{ status: number; body: ManagementEnvelope }>;
  /** Any method on the management API with the admin token and a JSON body; returns the parsed envelope. */
  managementSend(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: ManagementEnvelope }>;
  /** Stores a provider key on the `default` gateway; throws when the API refuses it. */
  storeProviderKey(providerSlug: string, secret: string): Promise<void>;
  /** Creates an API token with the run scope (for the REST surfaces) and returns its value. */
  createRunToken(name?: string): Promise<string>;
  /** Polls the logs API until the log with this id is stored. */
  waitForLog(logId: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface ManagementEnvelope {
  success: boolean;
  errors: { code: number; message: string }[];
  result: unknown;
  result_info?: Record<string, number>;
}

/**
 * The local runtime exactly as `npm start` runs it (in memory), with every provider pointed at a mock
 * upstream on loopback. One per test file: the handlers read their environment once per process.
 */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const mock = await startMockUpstream();
  const gateway = await startLocalGateway({
    port: 0,
    dataDir: null,
    adminToken: TEST_ADMIN_TOKEN,
    maxReceiveCount: 2,
    visibilityTimeoutSeconds: 1,
    env: {
      // Logs are stored as soon as they are queued, rather than after the stack's 1 s batching window.
      AIG_LOG_BATCHING_WINDOW_MS: "0",
      UPSTREAM_OPENAI_URL: `${mock.url}/v1`,
      UPSTREAM_GROQ_URL: `${mock.url}/v1`,
      // The rest of the OpenAI-compatible family, each at the mock as its chat path expects.
      UPSTREAM_MISTRAL_URL: mock.url,
      UPSTREAM_DEEPSEEK_URL: `${mock.url}/v1`,
      UPSTREAM_GROK_URL: mock.url,
      UPSTREAM_PERPLEXITY_AI_URL: `${mock.url}/v1`,
      UPSTREAM_CEREBRAS_URL: `${mock.url}/v1`,
      UPSTREAM_OPENROUTER_URL: `${mock.url}/v1`,
      UPSTREAM_ANTHROPIC_URL: mock.url,
      UPSTREAM_GOOGLE_AI_STUDIO_URL: mock.url,
      UPSTREAM_AWS_BEDROCK_URL: mock.url,
      UPSTREAM_COHERE_URL: mock.url,
      // Azure: the registry keeps /openai/deployments/{deployment}/... under the override (test/mock-upstream/azure-openai.ts).
      UPSTREAM_AZURE_OPENAI_URL: mock.url,
      // Vertex AI and the OAuth token endpoint its service accounts mint tokens at (test/mock-upstream/google-vertex.ts).
      UPSTREAM_GOOGLE_VERTEX_AI_URL: mock.url,
      UPSTREAM_GOOGLE_OAUTH_URL: `${mock.url}/token`,
      ...env,
    },
  });

  const managementSend = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}/client/v4/accounts/${gateway.accountId}/ai-gateway${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as ManagementEnvelope };
  };
  const management = (path: string) => managementSend("GET", path);
  const created = async (method: string, path: string, body: unknown) => {
    const answer = await managementSend(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}`);
    return answer.body.result as Record<string, string>;
  };

  const compatUrl = (gatewayId = "default") => `${gateway.url}/v1/${gateway.accountId}/${gatewayId}/compat`;
  const restUrl = `${gateway.url}/client/v4/accounts/${gateway.accountId}/ai/v1`;
  const gatewayAuth = { "cf-aig-authorization": `Bearer ${TEST_ADMIN_TOKEN}` };
  return {
    gateway,
    mock,
    providerUrl: (provider, gatewayId = "default") =>
      `${gateway.url}/v1/${gateway.accountId}/${gatewayId}/${provider}`,
    compatUrl,
    restUrl,
    async upstreamOf(call) {
      const before = mock.requests.length;
      const result = await call();
      expect(mock.requests.length, "one upstream request").toBe(before + 1);
      return { result, sent: mock.requests.at(-1) as RecordedRequest };
    },
    gatewayAuth,
    compatClient: (apiKey = "sk-provider-key", headers = {}) =>
      new OpenAI({
        apiKey,
        baseURL: compatUrl(),
        defaultHeaders: { ...gatewayAuth, ...headers },
        maxRetries: 0,
      }),
    restClient: (runToken, headers = {}) =>
      new OpenAI({ apiKey: runToken, baseURL: restUrl, defaultHeaders: headers, maxRetries: 0 }),
    cloudflareClient: () =>
      new Cloudflare({ apiToken: TEST_ADMIN_TOKEN, baseURL: `${gateway.url}/client/v4`, maxRetries: 0 }),
    management,
    managementSend,
    async storeProviderKey(providerSlug, secret) {
      await created("POST", "/gateways/default/provider_configs", { provider_slug: providerSlug, secret });
    },
    async createRunToken(name = "runner") {
      return (await created("POST", "/tokens", { name, scopes: ["run"] })).value ?? "";
    },
    async waitForLog(logId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { status, body } = await management(`/gateways/default/logs/${logId}`);
        if (status === 200) return body.result as Record<string, unknown>;
        if (Date.now() > deadline)
          throw new Error(`log ${logId} not stored within ${timeoutMs} ms (last status ${status})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      await gateway.stop();
      await mock.close();
    },
  };
}
