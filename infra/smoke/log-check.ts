import type { SmokeOptions } from "./smoke-options.ts";

/**
 * Waits for the log of a request to be readable through the management API, as the log-writer stores it
 * after the response (on AWS within the queue's batching window, a second or so).
 * Answers undefined once it is there, or what went wrong.
 */
export async function waitForLog(
  options: SmokeOptions,
  logId: string,
  sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<string | undefined> {
  const url = `${options.baseUrl}/client/v4/accounts/${options.accountId}/ai-gateway/gateways/${options.gatewayId}/logs/${logId}`;
  const deadline = Date.now() + options.logTimeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${options.token}` } });
    if (response.ok) return undefined;
    last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    // 404 until the log-writer has stored it; anything else (401, 403) will not change by waiting.
    if (response.status !== 404) return last;
    await sleep(500);
  }
  return `not stored within ${options.logTimeoutMs / 1000} s (${last})`;
}
