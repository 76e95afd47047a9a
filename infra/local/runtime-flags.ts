/**
 * Node flags of the local runtime: `npm start` passes them (package.json), and so does the benchmark when
 * it starts our gateway the way `npm start` does (a unit test keeps the two in step).
 *
 * A larger young generation: one process serves every request here, tens at a time under load, and each
 * request allocates its own short-lived objects (headers, buffers, the log event). With V8's default
 * 16 MiB cap on a semi-space, objects of requests still in flight survive scavenges and get copied, then
 * promoted; at concurrency 64 the cap raised to 64 MiB cut the process's CPU per request by about a sixth
 * (docs/benchmarks.md). The space grows only as needed. A Lambda instance serves one request at a time,
 * so the stack does not set it.
 */
export const LOCAL_RUNTIME_NODE_FLAGS = ["--max-semi-space-size=64"];
