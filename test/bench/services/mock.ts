/**
 * Child process: the mock OpenAI upstream every target calls (the baseline calls it directly).
 * BENCH_MOCK=shared (default) runs the test suite's mock (test/mock-upstream); BENCH_MOCK=lean runs the
 * smaller one in this folder, which speaks the same OpenAI wire format.
 * Prints one JSON line {url, port, kind} when listening.
 */
import { startMockUpstream } from "../../mock-upstream/server.ts";
import { startLeanMock } from "./lean-mock.ts";

const kind = process.env.BENCH_MOCK === "lean" ? "lean" : "shared";
let close: () => Promise<void>;
let url: string;
if (kind === "lean") {
  const mock = await startLeanMock();
  ({ url, close } = mock);
} else {
  const mock = await startMockUpstream();
  // The shared mock records every request for the tests' assertions; a benchmark sends hundreds of
  // thousands, so the record is emptied every second to keep the mock's heap flat.
  setInterval(() => {
    mock.requests.length = 0;
  }, 1_000).unref();
  ({ url, close } = mock);
}
console.log(JSON.stringify({ url, port: Number(new URL(url).port), kind }));
process.once("SIGTERM", () => {
  close().finally(() => process.exit(0));
});
