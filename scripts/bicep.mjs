#!/usr/bin/env node
// The Bicep compiler for this repository, pinned, without a global install.
//
//   node scripts/bicep.mjs build infra/main.bicep --stdout   runs bicep with these arguments
//   node scripts/bicep.mjs --print-path                       prints the path of the binary
//
// Neither npm nor Debian ships Bicep, but NuGet does: the package Azure.Bicep.CommandLine.<rid>
// carries the self-contained `bicep` executable. On first use a throwaway project restores that
// package with `dotnet restore` and the binary is moved to .tools/bicep/<version>/ (git-ignored);
// later calls find it there. Order of preference: BICEP_PATH, that cached binary, a fresh install
// through dotnet, a `bicep` on PATH.
//
// Exit codes of --print-path: 0 found, 3 unavailable (no dotnet and no bicep: callers may skip),
// 1 install failed (dotnet is there but the restore did not work: callers must fail).

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Bump on purpose: a new Bicep can bring new linter warnings, and tests/infra accepts none. */
export const bicepVersion = "0.49.2";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const toolsDir = join(root, ".tools", "bicep");
const exe = process.platform === "win32" ? "bicep.exe" : "bicep";
const cachedBinary = join(toolsDir, bicepVersion, exe);
const lockDir = join(toolsDir, `${bicepVersion}.lock`);
// A restore takes seconds; a lock older than this was left by a process that died mid-install.
const staleLockMs = 10 * 60 * 1000;

export const howToEnable =
  "Install the .NET SDK (8 or later: `dotnet` on PATH), and this script restores the NuGet package " +
  `Azure.Bicep.CommandLine.<platform> ${bicepVersion} into .tools/bicep/ on first use; ` +
  "or install the Bicep CLI (https://aka.ms/bicep-install) on PATH, or set BICEP_PATH to its binary.";

export class BicepUnavailableError extends Error {
  name = "BicepUnavailableError";
}

/** Returns the path of a working bicep binary, installing the pinned one if needed. */
export async function ensureBicep() {
  const fromEnv = process.env.BICEP_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!existsSync(fromEnv)) throw new Error(`BICEP_PATH is ${fromEnv}, but no file is there.`);
    return fromEnv;
  }
  if (existsSync(cachedBinary)) return cachedBinary;

  const dotnet = dotnetMajorVersion();
  if (dotnet !== undefined) return await installWithLock(dotnet);

  const onPath = findOnPath(exe);
  if (onPath !== undefined) return onPath;
  throw new BicepUnavailableError(`No Bicep compiler and no .NET SDK found. ${howToEnable}`);
}

function dotnetMajorVersion() {
  const result = spawnSync("dotnet", ["--version"], { encoding: "utf8", env: dotnetEnv() });
  if (result.error !== undefined || result.status !== 0) return undefined;
  const major = /^(\d+)\./.exec(result.stdout.trim())?.[1];
  return major === undefined ? undefined : Number(major);
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Several test workers or shells may ask at once: one installs, the others wait for its result. */
async function installWithLock(dotnetMajor) {
  mkdirSync(toolsDir, { recursive: true });
  const deadline = Date.now() + 2 * staleLockMs;
  for (;;) {
    if (existsSync(cachedBinary)) return cachedBinary;
    if (tryLock()) break;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for another Bicep install (lock ${lockDir}).`);
    await new Promise((done) => setTimeout(done, 250));
  }
  try {
    if (existsSync(cachedBinary)) return cachedBinary;
    install(dotnetMajor);
    return cachedBinary;
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function tryLock() {
  try {
    mkdirSync(lockDir); // atomic: exactly one process creates it
    return true;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
    const age = Date.now() - statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
    if (age > staleLockMs) rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
}

function install(dotnetMajor) {
  const packageId = `Azure.Bicep.CommandLine.${runtimeIdentifier()}`;
  const work = join(toolsDir, `restore-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(work, { recursive: true });
  try {
    // The project only carries the PackageReference; nothing is built. Its target framework is the
    // SDK's own, so no targeting pack has to be downloaded.
    writeFileSync(
      join(work, "bicep-tools.csproj"),
      `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net${dotnetMajor}.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="${packageId}" Version="${bicepVersion}" />
  </ItemGroup>
</Project>
`,
    );
    const packages = join(work, "packages");
    process.stderr.write(`Installing ${packageId} ${bicepVersion} with dotnet restore (one-off, into .tools/bicep/)…\n`);
    const restore = spawnSync("dotnet", ["restore", join(work, "bicep-tools.csproj"), "--packages", packages], {
      encoding: "utf8",
      env: dotnetEnv(),
      timeout: 5 * 60 * 1000,
    });
    if (restore.error !== undefined || restore.status !== 0) {
      const output = `${restore.stdout ?? ""}${restore.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
      throw new Error(
        `dotnet restore of ${packageId} ${bicepVersion} failed (${restore.error?.message ?? `exit ${restore.status}`}). ` +
          `Is the NuGet source reachable (dotnet nuget list source)?\n${output}`,
      );
    }
    const found = findFile(join(packages, packageId.toLowerCase(), bicepVersion), exe);
    if (found === undefined) throw new Error(`The restored ${packageId} ${bicepVersion} has no ${exe} in it.`);
    chmodSync(found, 0o755);
    mkdirSync(dirname(cachedBinary), { recursive: true });
    renameSync(found, cachedBinary); // same file system: the binary appears whole or not at all
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function runtimeIdentifier() {
  const os = { linux: "linux", darwin: "osx", win32: "win" }[process.platform];
  const arch = { x64: "x64", arm64: "arm64" }[process.arch];
  if (os === undefined || arch === undefined) {
    throw new BicepUnavailableError(`No Bicep NuGet package for ${process.platform}/${process.arch}. ${howToEnable}`);
  }
  return `${os}-${arch}`;
}

function findFile(dir, name) {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      const found = findFile(path, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function dotnetEnv() {
  return { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE: "1" };
}

async function main(args) {
  let path;
  try {
    path = await ensureBicep();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return error instanceof BicepUnavailableError ? 3 : 1;
  }
  if (args.length === 1 && args[0] === "--print-path") {
    process.stdout.write(`${path}\n`);
    return 0;
  }
  const run = spawnSync(path, args, { stdio: "inherit" });
  if (run.error !== undefined) {
    process.stderr.write(`Could not run ${path}: ${run.error.message}\n`);
    return 1;
  }
  return run.status ?? 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
