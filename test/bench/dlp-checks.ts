/**
 * The DLP checks' own CPU per request, in process: the request check, the response's `appliesTo` and its
 * whole-body check, on a gateway with every built-in profile on REQUEST and RESPONSE (FLAG) and a clean chat
 * exchange, in a warm loop (a warm loop understates what the same code costs once per request in the proxy;
 * read it for before/after, not as the proxy's figure). An optional checkout path measures that tree instead:
 *   node --import tsx test/bench/dlp-checks.ts [/path/to/other/checkout]
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL("../..", import.meta.url));
const { createDlpRequestCheck } = await import(`${root}/shared/checks/dlp/dlp-request-check.ts`);
const { createDlpResponseTransform } = await import(`${root}/shared/checks/dlp/dlp-response-transform.ts`);
const { CustomProfileDetectors } = await import(`${root}/shared/checks/dlp/custom-profile-detectors.ts`);
const { PREDEFINED_PROFILES } = await import(`${root}/shared/checks/dlp/predefined-profiles.ts`);

const gateway = {
  dlp: {
    enabled: true,
    policies: [
      {
        id: "all",
        enabled: true,
        action: "FLAG",
        check: ["REQUEST", "RESPONSE"],
        profiles: (PREDEFINED_PROFILES as { id: string }[]).map((profile) => profile.id),
      },
    ],
  },
};
const check = createDlpRequestCheck(new CustomProfileDetectors({ get: async () => undefined }, 5_000));
const transform = createDlpResponseTransform();
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const requestBody = encode({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello." }] });
const responseBody = encode({
  choices: [{ index: 0, message: { role: "assistant", content: "Hello from the mock! ".repeat(20) } }],
});

async function oneRequest(): Promise<void> {
  const record = {
    id: "log",
    accountId: "local",
    requestBody,
    path: "/v1/local/default/openai/chat/completions",
  };
  await check.check({ record, gateway });
  const context = {
    status: 200,
    contentType: "application/json",
    record,
    gateway,
    cached: false,
    dialect: "openai",
  };
  if (transform.appliesTo(context))
    await transform.whole({ status: 200, headers: {}, body: responseBody }, context);
}

for (let round = 0; round < 3; round++) {
  for (let i = 0; i < 5_000; i++) await oneRequest();
  const before = process.cpuUsage();
  for (let i = 0; i < 20_000; i++) await oneRequest();
  const used = process.cpuUsage(before);
  console.log(`${root}: ${((used.user + used.system) / 20_000).toFixed(1)} µs of CPU per request`);
}
