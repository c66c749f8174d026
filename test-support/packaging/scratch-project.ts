import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './built-packages.js';
import { runCommand } from './run-command.js';

/** One publishable workspace package. */
export interface WorkspacePackage {
  name: string;
  dir: string;
  version: string;
}

export function publishablePackages(): WorkspacePackage[] {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir)
    .map((entry) => {
      const dir = join(packagesDir, entry);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        private?: boolean;
      };
      return manifest.private ? undefined : { name: manifest.name, dir, version: manifest.version };
    })
    .filter((p): p is WorkspacePackage => p !== undefined);
}

/** `pnpm pack` of every package into `destination`; returns tarball paths by package name. */
export async function packAll(
  packages: WorkspacePackage[],
  destination: string,
): Promise<Record<string, string>> {
  await mkdir(destination, { recursive: true });
  const tarballs: Record<string, string> = {};
  for (const pkg of packages) {
    const output = await runCommand('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir });
    if (output.code !== 0) throw new Error(`pnpm pack failed for ${pkg.name}:\n${output.stderr}`);
    const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
    tarballs[pkg.name] = join(destination, file);
  }
  return tarballs;
}

/** The files inside a tarball, without the leading `package/`. */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''));
}

/** The package.json inside a packed tarball, as it will be published. */
export function tarballManifest(tarball: string): {
  exports: Record<string, unknown>;
  bin?: Record<string, string>;
} {
  return JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/**
 * A project in the system temp folder, far from the workspace (no pnpm, no `source` condition, no
 * hoisted node_modules above it), depending on the tarballs. `overrides` pins every `@notify/*`
 * dependency between the packages to its tarball, so npm never asks the registry for them; their
 * third-party dependencies come from the registry (or npm's cache) as for any user.
 */
export async function createScratchProject(tarballs: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'notify-pack-scratch-'));
  const dependencies = Object.fromEntries(
    Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]),
  );
  const overrides = Object.fromEntries(Object.keys(tarballs).map((name) => [name, `$${name}`]));
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'notify-scratch', private: true, type: 'module', dependencies, overrides }, null, 2)}\n`,
  );
  const output = await runCommand(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: dir, timeoutMs: 300_000, env: { npm_config_workspaces: undefined } },
  );
  if (output.code !== 0) throw new Error(`npm install failed in ${dir}:\n${output.stdout}\n${output.stderr}`);
  return dir;
}
