/**
 * What the dynamic loader needs to run an ELF program, read from its bytes: the interpreter
 * (`PT_INTERP`), the `DT_NEEDED` names and the search paths (`DT_RUNPATH`, `DT_RPATH`). Pure.
 * Only 64-bit little-endian ELF (x86-64, arm64): what Berth's nodes run.
 */
import { errors } from '@berth/errors';

export interface ElfDynamicInfo {
  /** `PT_INTERP`, e.g. `/lib64/ld-linux-x86-64.so.2`; absent for static programs and libraries. */
  interpreter?: string;
  /** `DT_NEEDED` in file order, e.g. `libc.so.6`. */
  needed: string[];
  /** `DT_RUNPATH` entries (`$ORIGIN` unexpanded). */
  runpath: string[];
  /** `DT_RPATH` entries; the loader ignores them when `DT_RUNPATH` is present. */
  rpath: string[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;

interface Segment {
  type: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
}

/** @throws BERTH_ERR_VALIDATION when the bytes are not a 64-bit little-endian ELF file */
export function elfDynamicInfo(bytes: Uint8Array): ElfDynamicInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => errors.invalid('elf', `not a loadable ELF file: ${why}`);
  if (bytes.length < 64 || view.getUint32(0) !== 0x7f454c46) throw bad('no ELF magic');
  if (bytes[4] !== 2 || bytes[5] !== 1) throw bad('only 64-bit little-endian ELF is read');
  const segments = programHeaders(view, bad);
  const interp = segments.find((s) => s.type === PT_INTERP);
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  const info: ElfDynamicInfo = { needed: [], runpath: [], rpath: [] };
  if (interp) info.interpreter = cString(bytes, interp.offset);
  if (!dynamic) return info;
  const entries: Array<[bigint, bigint]> = [];
  for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.filesz; at += 16) {
    const tag = view.getBigInt64(at, true);
    if (tag === DT_NULL) break;
    entries.push([tag, view.getBigUint64(at + 8, true)]);
  }
  const strtab = entries.find(([tag]) => tag === DT_STRTAB);
  if (!strtab) throw bad('a dynamic section without DT_STRTAB');
  const strings = fileOffset(segments, strtab[1]) ?? -1;
  if (strings < 0) throw bad('DT_STRTAB outside every PT_LOAD segment');
  const str = (value: bigint) => cString(bytes, strings + Number(value));
  const paths = (value: bigint) =>
    str(value)
      .split(':')
      .filter((p) => p !== '');
  for (const [tag, value] of entries) {
    if (tag === DT_NEEDED) info.needed.push(str(value));
    else if (tag === DT_RUNPATH) info.runpath.push(...paths(value));
    else if (tag === DT_RPATH) info.rpath.push(...paths(value));
  }
  return info;
}

function programHeaders(view: DataView, bad: (why: string) => Error): Segment[] {
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phentsize < 56 || phoff + phentsize * phnum > view.byteLength)
    throw bad('program headers out of bounds');
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const segment = {
      type: view.getUint32(at, true),
      offset: Number(view.getBigUint64(at + 8, true)),
      vaddr: view.getBigUint64(at + 16, true),
      filesz: Number(view.getBigUint64(at + 32, true)),
    };
    if (segment.offset + segment.filesz > view.byteLength) throw bad('a segment out of bounds');
    segments.push(segment);
  }
  return segments;
}

/** The file offset of a virtual address, through the `PT_LOAD` segment that maps it. */
function fileOffset(segments: readonly Segment[], vaddr: bigint): number | undefined {
  const load = segments.find(
    (s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + BigInt(s.filesz),
  );
  return load && load.offset + Number(vaddr - load.vaddr);
}

function cString(bytes: Uint8Array, offset: number): string {
  const end = bytes.indexOf(0, offset);
  return Buffer.from(bytes.subarray(offset, end < 0 ? bytes.length : end)).toString('utf8');
}
