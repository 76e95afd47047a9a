// Preloaded (NODE_OPTIONS=--import) into the mock and our gateway's processes, and imported by the load
// generator, by profile.ts with PROFILE_PHASES=1: records when each HTTP exchange passes four points in this
// process, and writes them to $BENCH_PHASES_DIR/<pid>.json at exit (test/bench/phases.ts reads them). The
// code measured is not changed. Two points come from node:http's diagnostics channels, which fire when a
// request's or a response's head has been parsed. Their channels for the other two fire late (a client
// request's once its socket is assigned, after the bytes left; a response's `finish` once the socket has
// taken the bytes), so those are marked where the code hands the last bytes over: `end()`.
import diagnosticsChannel from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { ClientRequest, ServerResponse } from "node:http";

/** [event, process.hrtime.bigint() as a number, path] in the order they happened. */
const marks = [];
/** Bounds the memory of a long run: 4 marks per exchange. */
const MAX_MARKS = 4_000_000;

function mark(event, path) {
  if (marks.length < MAX_MARKS) marks.push([event, Number(process.hrtime.bigint()), path ?? ""]);
}

diagnosticsChannel.subscribe("http.server.request.start", ({ request }) => mark("server.start", request.url));
diagnosticsChannel.subscribe("http.client.response.finish", ({ request }) =>
  mark("client.head", request.path),
);

const endRequest = ClientRequest.prototype.end;
ClientRequest.prototype.end = function end(...args) {
  mark("client.start", this.path);
  return endRequest.apply(this, args);
};
const endResponse = ServerResponse.prototype.end;
ServerResponse.prototype.end = function end(...args) {
  // Once: a second end() (after the response finished) changes nothing.
  if (!this.writableEnded) mark("server.end", this.req?.url);
  return endResponse.apply(this, args);
};

/** This process's marks so far (the load generator reads its own instead of waiting for its exit). */
export function phaseMarks() {
  return marks;
}

process.on("exit", () => {
  const dir = process.env.BENCH_PHASES_DIR;
  if (dir && marks.length > 0) writeFileSync(`${dir}/${process.pid}.json`, JSON.stringify(marks));
});
