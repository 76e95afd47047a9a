import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Test processes trust the test-only certificate of `localhost` (test/fixtures/tls/README.md), so an
 * upstream that must be HTTPS (a custom provider) can be a mock on loopback. Node reads
 * NODE_EXTRA_CA_CERTS once, when a process starts: set here, the forked test workers inherit it. It names
 * one file, so a bundle the machine already set is kept beside ours.
 */
function trustTestCertificate(): void {
  const ours = readFileSync(new URL("./test/fixtures/tls/localhost-test.cert.pem", import.meta.url), "utf8");
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  const bundle = join(tmpdir(), `aig-test-ca-${process.pid}.pem`);
  writeFileSync(bundle, `${existing ? readFileSync(existing, "utf8") : ""}\n${ours}`);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
}
trustTestCertificate();

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    // Generous: CI runs emulators (a JVM among them), synths and e2e suites side by side on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration and e2e suites start their own emulators on port 0; two workers fit this 2-core machine.
    pool: "forks",
    maxWorkers: 2,
    // The AWS SDK warns in every process that its 2027 releases need Node 22; nothing to act on in a test.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // Every local runtime a test starts runs its log-writer at niceness 0, not at the idle policy that
      // `npm start` uses: with two test files and their gateways on 2 cores, a core is rarely idle, and
      // an idle-policy log-writer could wait longer than a test waits for its logs.
      AIG_BACKEND_NICE: "0",
    },
  },
});
