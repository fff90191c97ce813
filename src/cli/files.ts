import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './io.js';

/**
 * Which files a folder stands for (docs/cli.md#folders): `playbooks` are the `.playbook` files
 * that are not test files (`fmt`), `tests` the `.test.playbook` files (`test`), `all` both
 * (`check`, which checks a test file as a test file).
 */
export type FileKind = 'playbooks' | 'tests' | 'all';

const TEST_SUFFIX = '.test.playbook';

function wanted(name: string, kind: FileKind): boolean {
  if (!name.endsWith('.playbook')) return false;
  const isTest = name.endsWith(TEST_SUFFIX);
  if (kind === 'tests') return isTest;
  if (kind === 'playbooks') return !isTest;
  return true;
}

const WHAT: Record<FileKind, string> = {
  playbooks: 'playbook (*.playbook) file',
  tests: 'test file (*.test.playbook)',
  all: 'playbook or test file (*.playbook)',
};

/**
 * The command line's paths with each folder replaced by the files of `kind` under it, recursively,
 * skipping `node_modules` and folders whose name starts with a dot, in a sorted order (by code
 * unit, so the same on every machine). A path that is not a folder is kept as given, whatever its
 * name: reading it reports a missing file. A folder holding no such file is a usage error.
 */
export function expandPaths(paths: readonly string[], kind: FileKind): string[] {
  const out: string[] = [];
  for (const path of paths) {
    if (!isDirectory(path)) {
      out.push(path);
      continue;
    }
    const found: string[] = [];
    walk(path, kind, found);
    if (found.length === 0) throw new UsageError(`${path}: this folder holds no ${WHAT[kind]}`);
    for (const f of found) out.push(f);
  }
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, kind: FileKind, found: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new UsageError(`${dir}: cannot read the folder: ${(e as Error).message}`);
  }
  const names = entries.map((e) => e.name).sort(byCodeUnit);
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const name of names) {
    const entry = byName.get(name);
    if (entry === undefined) continue;
    const full = join(dir, name);
    // A symbolic link is followed only to a file: a link to a folder could make a cycle.
    if (entry.isDirectory()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      walk(full, kind, found);
    } else if (wanted(name, kind) && (entry.isFile() || (entry.isSymbolicLink() && isFile(full)))) {
      found.push(full);
    }
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
