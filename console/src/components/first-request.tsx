/** The first curl command to send through a gateway: the empty state of the gateway list and of logs. */
export function FirstRequest({
  base,
  accountId,
  gatewayId,
}: {
  base: string;
  accountId: string;
  gatewayId: string;
}) {
  const url = new URL(`v1/${accountId}/${gatewayId}/openai/chat/completions`, base).href;
  const command = [
    `curl ${url} \\`,
    `  -H "Authorization: Bearer $OPENAI_API_KEY" \\`,
    `  -H "cf-aig-authorization: Bearer $AIG_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}]}'`,
  ].join("\n");
  return (
    <div class="empty">
      <p>Nothing yet. Send a first request through the gateway:</p>
      <pre>
        <code>{command}</code>
      </pre>
      <p class="hint">
        <code>cf-aig-authorization</code> is needed when the gateway has authentication on (a token with the{" "}
        <code>run</code> scope).
      </p>
    </div>
  );
}
