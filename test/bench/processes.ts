import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** A benchmark service in its own process: the mock, the emulators, our gateway or the peer. */
export interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The JSON object the service printed on its first stdout line (its URL, token, endpoints...). */
  info: Record<string, unknown>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** How the service says it is ready: by a JSON line on stdout (default), or by answering HTTP. */
  ready?: { kind: "json-line" } | { kind: "http"; url: string };
  timeoutMs?: number;
}

/**
 * Starts a service and waits until it is ready. Its stdout after the first line and its stderr are read
 * and dropped (keeping the last few KB of stderr for errors), so a chatty service never blocks on a pipe.
 */
export async function spawnService(options: SpawnOptions): Promise<Service> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderrTail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-4096);
  });
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const exited = new Promise<never>((_, reject) => {
    child.once("exit", (code, signal) =>
      reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready:\n${stderrTail}`)),
    );
  });
  exited.catch(() => {});
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${options.name} not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const ready = options.ready ?? { kind: "json-line" };
  const info =
    ready.kind === "json-line"
      ? firstJsonLine(lines)
      : waitForHttp(ready.url, timeoutMs).then(() => ({ url: ready.url }));
  lines.on("line", () => {});
  try {
    const result = await Promise.race([info, exited, timeout]);
    return {
      name: options.name,
      child,
      pid: child.pid ?? -1,
      info: result,
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function firstJsonLine(lines: ReturnType<typeof createInterface>): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onLine = (line: string) => {
      const text = line.trim();
      if (!text.startsWith("{")) return;
      lines.off("line", onLine);
      resolve(JSON.parse(text) as Record<string, unknown>);
    };
    lines.on("line", onLine);
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL after 5 s: only the child this harness started, by its pid. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export interface MemoryStatus {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size since the process started (VmHWM), bytes. */
  hwm: number;
}

/** VmRSS and VmHWM from /proc/<pid>/status (Linux). */
export function memoryOf(pid: number): MemoryStatus {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : Number.NaN;
  };
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** A process's children (Linux /proc/<pid>/task/<pid>/children); none once it has exited. */
function childPidsOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function isFrontProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("infra/local/front-worker.ts");
  } catch {
    return false;
  }
}

/**
 * The processes that serve a target's requests: the process itself and, for ours under `npm start`'s
 * defaults, the front processes it started (infra/local/front-pool.ts), which are its children.
 */
export function servingPidsOf(pid: number): number[] {
  return [pid, ...childPidsOf(pid).filter(isFrontProcess)];
}

/**
 * Our gateway's other children: its log-writer process (infra/local/log-writer-process.ts), where its queue
 * poller and log-writer run (the bench gives ours external emulators, so it has no emulators child).
 */
export function logWriterPidsOf(pid: number): number[] {
  return childPidsOf(pid).filter((child) => !isFrontProcess(child));
}

/** CPU ms used so far by these processes together; one that has exited counts nothing. */
export function cpuMsOfAll(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuMsOf(pid);
    } catch {
      // It exited between the listing and the read.
    }
  }
  return total;
}

/**
 * RSS and peak RSS of these processes together: the sum of each one's. A sum of peaks reached at different
 * moments can only overstate the processes' peak together.
 */
export function memoryOfAll(pids: number[]): MemoryStatus {
  return pids.map(memoryOf).reduce((sum, one) => ({ rss: sum.rss + one.rss, hwm: sum.hwm + one.hwm }));
}

/**
 * Runs `node <args>` to completion (bounded by `timeoutMs`) and returns the last line of its stdout that
 * is a JSON object; rejects with its stderr when it fails.
 */
export function runNodeForJson(
  args: string[],
  options: { env: Record<string, string>; timeoutMs: number },
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout = (stdout + chunk.toString("utf8")).slice(-65_536);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4096);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const line = stdout
        .split("\n")
        .reverse()
        .find((text) => text.startsWith("{"));
      if (code === 0 && line) resolve(JSON.parse(line) as Record<string, unknown>);
      else reject(new Error(`node ${args.join(" ")} exited ${code ?? signal}:\n${stderr}`));
    });
  });
}

/** The machine's CPU time so far, in ms, from /proc/stat: busy (user, nice, system, irq, softirq) and steal. */
export function machineCpuMs(): { busy: number; steal: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const ms = (ticks: number | undefined) => ((ticks ?? 0) * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busy: ms(user) + ms(nice) + ms(system) + ms(irq) + ms(softirq), steal: ms(steal) };
}

export function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
