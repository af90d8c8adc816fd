/**
 * Writes user-data files. Relative paths resolve inside the root dir and may not climb out of
 * it; absolute paths must sit under a prefix the provider allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '@berth/errors';
import { writeFileAtomicSync } from '../fs-atomic.js';
import type { FileSpec } from './user-data.js';

export function resolveFilePath(rootDir: string, allowed: string[], file: string): string {
  if (path.isAbsolute(file)) {
    const target = path.resolve(file);
    if (allowed.some((prefix) => isInside(path.resolve(prefix), target))) return target;
    throw denied(file, 'is outside the allowed absolute paths');
  }
  const target = path.resolve(rootDir, file);
  if (!isInside(path.resolve(rootDir), target)) throw denied(file, 'escapes the root dir');
  return target;
}

function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function denied(file: string, why: string): BerthError {
  return new BerthError('BERTH_ERR_VALIDATION', `file ${file} ${why}`, { field: 'files.path' });
}

/**
 * Writes every file whose content or mode differs from what is on disk; returns the user-data
 * paths (as given in `files`) of those written, so a reload knows what changed.
 */
export function applyFiles(rootDir: string, allowed: string[], files: FileSpec[]): string[] {
  const written: string[] = [];
  for (const file of files) {
    const target = resolveFilePath(rootDir, allowed, file.path);
    const content = Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8');
    const mode = file.mode ?? 0o644;
    if (unchanged(target, content, mode)) continue;
    writeFileAtomicSync(target, content, mode);
    written.push(file.path);
  }
  return written;
}

function unchanged(target: string, content: Buffer, mode: number): boolean {
  try {
    const stat = fs.statSync(target);
    return (stat.mode & 0o7777) === mode && fs.readFileSync(target).equals(content);
  } catch {
    return false;
  }
}
