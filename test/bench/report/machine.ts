import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export interface MachineInfo {
  nproc: string;
  freeH: string;
  cpuModel: string;
  node: string;
  os: string;
  gitCommit: string;
  gitDirty: boolean;
  versions: Record<string, string>;
}

function run(command: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trimEnd();
  } catch {
    return "unavailable";
  }
}

function packageVersion(path: string): string {
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

export function machineInfo(repositoryRoot: string): MachineInfo {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? "unknown";
  const modules = `${repositoryRoot}node_modules/`;
  const bench = `${repositoryRoot}test/bench/node_modules/`;
  return {
    nproc: run("nproc", []),
    freeH: run("free", ["-h"]) || `${Math.round(totalmem() / 2 ** 30)} GiB`,
    cpuModel: model,
    node: process.version,
    os: run("uname", ["-srm"]),
    gitCommit: run("git", ["rev-parse", "--short", "HEAD"], repositoryRoot),
    gitDirty:
      run("git", ["status", "--porcelain", "--", "shared", "functions", "infra"], repositoryRoot) !== "",
    versions: {
      "@portkey-ai/gateway": packageVersion(`${bench}@portkey-ai/gateway/package.json`),
      "@hono/node-server (peer)": packageVersion(`${bench}@hono/node-server/package.json`),
      esbuild: packageVersion(`${modules}esbuild/package.json`),
      tsx: packageVersion(`${modules}tsx/package.json`),
      "@aws-sdk/client-sqs": packageVersion(`${modules}@aws-sdk/client-sqs/package.json`),
      dynalite: packageVersion(`${modules}dynalite/package.json`),
      fauxqs: packageVersion(`${modules}fauxqs/package.json`),
    },
  };
}
