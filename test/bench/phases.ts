/**
 * Where the time of one request goes at concurrency 1, from the marks preload/phase-marks.mjs records in the
 * load generator, our front process(es) and the mock (profile.ts with PROFILE_PHASES=1). All use the same
 * monotonic clock, so the marks of the three processes fall into one timeline: for each request the load
 * generator sent, the front receiving it, its provider call leaving, the mock receiving and answering it, the
 * answer's head reaching the front, the front's response ended, and the head reaching the load generator. The
 * same requests sent straight to the mock show what the two hops through the front add.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { percentile } from "./stats.ts";

type Mark = [event: string, ns: number, path: string];

/** Every request of the workloads goes to a chat completions path, through the gateway and to the mock. */
const isChat = (mark: Mark) => mark[2].includes("chat/completions");

/** The marks of one request in the order they happen, through our gateway and straight to the mock. */
const STEPS = {
  ours: [
    ["client.start", "load generator sends"],
    ["front.start", "front receives the request"],
    ["upstream.start", "front's provider call leaves"],
    ["mock.start", "mock receives it"],
    ["mock.finish", "mock's answer ended"],
    ["upstream.head", "answer's head reaches the front"],
    ["front.finish", "front's response ended"],
    ["client.head", "response head reaches the load generator"],
  ],
  direct: [
    ["client.start", "load generator sends"],
    ["mock.start", "mock receives it"],
    ["mock.finish", "mock's answer ended"],
    ["client.head", "response head reaches the load generator"],
  ],
} as const;

export interface PhaseRow {
  from: string;
  to: string;
  p50Us: number;
  p90Us: number;
}

/** The marks of one process, named by the role they show it has, or null for a process with no chat marks. */
function roleMarks(marks: Mark[]): Mark[] | null {
  const chat = marks.filter(isChat);
  const serves = chat.some(([event]) => event === "server.start");
  const calls = chat.some(([event]) => event === "client.start");
  if (!serves && !calls) return null;
  const role = serves && calls ? "front" : serves ? "mock" : "client";
  const names: Record<string, string> =
    role === "front"
      ? {
          "server.start": "front.start",
          "server.end": "front.finish",
          "client.start": "upstream.start",
          "client.head": "upstream.head",
        }
      : role === "mock"
        ? { "server.start": "mock.start", "server.end": "mock.finish" }
        : { "client.start": "client.start", "client.head": "client.head" };
  return chat.flatMap(([event, ns, path]) => (names[event] ? [[names[event], ns, path] as Mark] : []));
}

/**
 * The median and 90th percentile of each step of a request, over the requests sent between `fromNs` and
 * `toNs` (to our gateway or straight to the mock) whose marks are all there. `clientMarks` are the load
 * generator's own; the other processes' are read from `dir`.
 */
export function phaseTable(
  dir: string,
  clientMarks: Mark[],
  window: { fromNs: number; toNs: number; target: keyof typeof STEPS },
): PhaseRow[] {
  const steps = STEPS[window.target];
  const files = readdirSync(dir).filter((name) => name.endsWith(".json"));
  const timeline = [clientMarks, ...files.map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")))]
    .flatMap((marks: Mark[]) => roleMarks(marks) ?? [])
    .filter(([, ns]) => ns >= window.fromNs && ns <= window.toNs)
    .sort((a, b) => a[1] - b[1]);

  // Each mark goes to the oldest of the last few requests that still lacks it and has the mark before it.
  const requests: (number | undefined)[][] = [];
  for (const [event, ns] of timeline) {
    const step = steps.findIndex(([name]) => name === event);
    if (step < 0) continue;
    if (step === 0) {
      requests.push([ns]);
      continue;
    }
    const open = requests
      .slice(-3)
      .find((times) => times[step] === undefined && times[step - 1] !== undefined);
    if (open) open[step] = ns;
  }
  // Row 0 is the whole request; row i the step from mark i - 1 to mark i.
  const durations: number[][] = steps.map(() => []);
  for (const times of requests) {
    const ns = times.filter((time): time is number => time !== undefined);
    if (ns.length < steps.length) continue;
    durations[0]?.push(((ns.at(-1) ?? 0) - (ns[0] ?? 0)) / 1000);
    for (let index = 1; index < ns.length; index++) {
      durations[index]?.push(((ns[index] ?? 0) - (ns[index - 1] ?? 0)) / 1000);
    }
  }

  return steps.map(([, label], index) => {
    const values = (durations[index] ?? []).sort((a, b) => a - b);
    return {
      from: index === 0 ? "whole request" : (steps[index - 1]?.[1] ?? ""),
      to: index === 0 ? `${values.length} requests` : label,
      p50Us: Math.round(percentile(values, 50)),
      p90Us: Math.round(percentile(values, 90)),
    };
  });
}
