import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { InputError } from '../../shared/errors';
import { applyOperations, AnnotationOperation, ApplyResult } from '../../shared/annotations/operations';
import { normalizeAnnotationsFile } from '../../shared/annotations/order';
import { serializeAnnotationsFile } from '../../shared/annotations/serialize';
import { AnnotationsFile, emptyAnnotationsFile } from '../../shared/annotations/types';
import { atomicTempPrefix, tryUnlink, writeFileAtomic } from '../atomicWrite';
import { QUANTLENS_FOLDER } from '../runFolder/layout';
import { JsonPath, JsonSyntaxError, jsonSyntaxInputError, ParsedJsonWithPaths, parseJsonWithPaths } from '../jsonFile';
import type * as Validation from './validateAnnotations';

/** Where the annotations live, relative to a workspace root. */
export const ANNOTATIONS_FILE = join(QUANTLENS_FOLDER, 'annotations.json');

export type AnnotationsLoad =
  | { state: 'ok'; file: AnnotationsFile }
  | { state: 'missing' }
  /** The file exists but cannot be used: it is kept as it is and nothing is written until it is fixed or moved aside. */
  | { state: 'broken'; error: InputError };

export interface AnnotationsWrite {
  /** The file as written (or as found, when no operation changed anything). */
  file: AnnotationsFile;
  /** One per operation, in order. */
  results: Array<Omit<ApplyResult, 'file'>>;
  /** Whether the file on disk was rewritten. */
  written: boolean;
}

export interface AnnotationStoreOptions {
  /** How long apply() waits for another writer's lock before giving up (default 5000 ms). */
  lockTimeoutMs?: number;
  /** A lock older than this is a crashed writer's and is broken (default 10000 ms). */
  staleLockMs?: number;
  /** For tests: runs after the temporary file is written and synced, just before it replaces the file. */
  beforeRename?: (tempFile: string) => void;
}

const REMEDY_BROKEN = 'The file is kept as it is and nothing is written to it: new annotations wait until you fix it or move it aside.';

/**
 * `.quantlens/annotations.json` at a workspace root: the one store behind the diff tabs' comments,
 * the results panel and exports.
 *
 * Writers never send a whole file. apply() takes a lock file (created exclusively), re-reads the
 * file from disk, applies the operations to that freshest content and replaces the file atomically
 * (writeFileAtomic: temporary file in the same folder, fsync, rename). Two windows writing at once
 * therefore lose nothing, and a crash at any moment leaves either the old file or the new one,
 * whole. A file that cannot be parsed is never overwritten.
 */
export class AnnotationStore {
  readonly root: string;
  readonly path: string;
  readonly lockPath: string;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(root: string, private readonly options: AnnotationStoreOptions = {}) {
    this.root = root;
    this.path = join(root, ANNOTATIONS_FILE);
    this.lockPath = `${this.path}.lock`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 5000;
    this.staleLockMs = options.staleLockMs ?? 10_000;
  }

  /** The file as it is on disk now. Never throws. */
  load(): AnnotationsLoad {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { state: 'missing' };
      return { state: 'broken', error: new InputError(this.path, `Cannot read the annotations file (${code ?? 'error'}).`, REMEDY_BROKEN) };
    }
    return parseAnnotationsText(this.path, text);
  }

  /**
   * Applies operations to the file as it is on disk at this moment, under the lock, and writes the
   * result atomically. Throws the InputError of a broken file (leaving it byte for byte as it was),
   * or an InputError naming the lock file when another writer holds it for longer than the timeout.
   */
  async apply(ops: AnnotationOperation | readonly AnnotationOperation[]): Promise<AnnotationsWrite> {
    const list = Array.isArray(ops) ? (ops as readonly AnnotationOperation[]) : [ops as AnnotationOperation];
    const lock = await this.acquireLock();
    try {
      const loaded = this.load();
      if (loaded.state === 'broken') throw loaded.error;
      const current = loaded.state === 'ok' ? loaded.file : emptyAnnotationsFile();
      const { file, results } = applyOperations(current, list);
      const written = results.some((r) => r.applied);
      if (written) writeFileAtomic(this.path, serializeAnnotationsFile(file), { beforeRename: this.options.beforeRename });
      this.removeOldTempFiles();
      return { file, results, written };
    } finally {
      this.releaseLock(lock);
    }
  }

  /** Temporary files a crashed writer left (older than the stale-lock age). Called under the lock. */
  private removeOldTempFiles(): void {
    const folder = dirname(this.path);
    const prefix = atomicTempPrefix(this.path);
    let names: string[] = [];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      try {
        if (Date.now() - statSync(join(folder, name)).mtimeMs > this.staleLockMs) unlinkSync(join(folder, name));
      } catch {
        // Gone already.
      }
    }
  }

  private async acquireLock(): Promise<string> {
    mkdirSync(dirname(this.lockPath), { recursive: true });
    // The random token makes every lock's content unique, so a writer can tell its own lock from another's.
    const content = JSON.stringify({ pid: process.pid, hostname: hostname(), token: randomSuffix(), at: new Date().toISOString() });
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(this.lockPath, 'wx');
        try {
          writeSync(fd, content);
        } finally {
          closeSync(fd);
        }
        return content;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (this.breakStaleLock()) continue;
      if (Date.now() > deadline) {
        throw new InputError(this.lockPath, `Another QuantLens window has been saving annotations for over ${Math.round(this.lockTimeoutMs / 1000)} s.`, 'Try again; if no QuantLens window is open on this folder, delete the lock file.');
      }
      await sleep(Math.min(5 + attempt * 5, 50) * (0.5 + Math.random()));
    }
  }

  /**
   * Removes the lock when its writer is gone: older than the stale age, or made by a process of this
   * machine that no longer exists. Returns true when the lock is gone (worth trying again at once).
   */
  private breakStaleLock(): boolean {
    let seen: string;
    let ageMs: number;
    try {
      ageMs = Date.now() - statSync(this.lockPath).mtimeMs;
      seen = readFileSync(this.lockPath, 'utf8');
    } catch {
      return true;
    }
    let holder: { pid?: number; hostname?: string } = {};
    try {
      holder = JSON.parse(seen) as typeof holder;
    } catch {
      // Being written right now, or a crash between create and write: judged by age alone.
    }
    const deadHolder = holder.hostname === hostname() && typeof holder.pid === 'number' && !processExists(holder.pid);
    if (ageMs <= this.staleLockMs && !deadHolder) return false;
    // Move it aside first (only one waiter can), then check it is the lock judged stale: a waiter
    // that lost the race may have moved a fresh lock, which it puts back.
    const aside = `${this.lockPath}.stale-${process.pid}-${randomSuffix()}`;
    try {
      renameSync(this.lockPath, aside);
    } catch {
      return true;
    }
    let moved = '';
    try {
      moved = readFileSync(aside, 'utf8');
    } catch {
      // Unreadable: treat as the stale one.
    }
    if (moved !== seen) {
      try {
        linkSync(aside, this.lockPath);
      } catch {
        // Someone holds the lock again already.
      }
    }
    tryUnlink(aside);
    return true;
  }

  private releaseLock(content: string): void {
    try {
      // Only our own lock: had it been broken as stale, the file may now be another writer's.
      if (readFileSync(this.lockPath, 'utf8') === content) unlinkSync(this.lockPath);
    } catch {
      // Already gone.
    }
  }
}

/** Parses and validates the text of an annotations file; `file` names it in errors. */
export function parseAnnotationsText(file: string, text: string): AnnotationsLoad {
  let parsed: ParsedJsonWithPaths;
  try {
    // Small and hand-edited: the per-path lines are worth their cost, for structure errors below.
    parsed = parseJsonWithPaths(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { state: 'broken', error: jsonSyntaxInputError(file, error, `Fix the JSON syntax there. ${REMEDY_BROKEN}`) };
  }
  const checked = loadValidator().validateAnnotationsFile(parsed.value);
  if (!checked.ok) {
    const line = lineOfPath(parsed, checked.path);
    return { state: 'broken', error: new InputError(file, checked.problem, REMEDY_BROKEN, line) };
  }
  return { state: 'ok', file: normalizeAnnotationsFile(checked.file) };
}

/** The model folder as annotations store it: relative to the workspace root, with '/' separators. */
export function modelFolderKey(root: string, modelFolder: string): string {
  const rel = isAbsolute(modelFolder) ? relative(root, modelFolder) : modelFolder;
  // A folder outside the workspace keeps its absolute path (still with '/').
  const key = rel.startsWith('..') || isAbsolute(rel) ? modelFolder : rel;
  return key.split(sep).join('/').replace(/\/+$/, '');
}

/** The line of the deepest part of `path` that the text has (a missing field: its object's line). */
function lineOfPath(parsed: ParsedJsonWithPaths, path: JsonPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const line = parsed.lineOfPath(path.slice(0, n));
    if (line !== undefined) return line;
  }
  return undefined;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The zod schema is loaded on the first read of an annotations file, not when the extension
 * activates: zod is most of the host bundle's start-up cost.
 */
let validator: typeof Validation | undefined;
function loadValidator(): typeof Validation {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validator ??= require('./validateAnnotations') as typeof Validation;
  return validator;
}
