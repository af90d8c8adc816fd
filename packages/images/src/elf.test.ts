import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elfDynamicInfo } from './elf.js';
import { DEBIAN_AMD64_LIBRARY_DIRS, sharedLibraryClosure } from './shared-libraries.js';

interface FakeElf {
  interpreter?: string;
  needed?: string[];
  runpath?: string;
  rpath?: string;
}

const BASE = 0x400000n;

/**
 * A minimal 64-bit little-endian ELF: header, PT_LOAD over the whole file, PT_INTERP and
 * PT_DYNAMIC, a string table and the dynamic array. Enough for what the loader is asked for.
 */
function fakeElf(spec: FakeElf): Buffer {
  const strings: string[] = [''];
  const at = (s: string) => {
    const offset = strings.join('\0').length + 1;
    strings.push(s);
    return BigInt(offset);
  };
  const dynamic: Array<[bigint, bigint]> = [];
  for (const n of spec.needed ?? []) dynamic.push([1n, at(n)]);
  if (spec.runpath !== undefined) dynamic.push([29n, at(spec.runpath)]);
  if (spec.rpath !== undefined) dynamic.push([15n, at(spec.rpath)]);
  const strtab = Buffer.from(`${strings.join('\0')}\0`);
  const interp = Buffer.from(`${spec.interpreter ?? ''}\0`);
  const phnum = spec.interpreter === undefined ? 2 : 3;
  const strtabOffset = 64 + 56 * phnum;
  const interpOffset = strtabOffset + strtab.length;
  const dynOffset = interpOffset + interp.length;
  dynamic.push([5n, BASE + BigInt(strtabOffset)], [0n, 0n]);
  const size = dynOffset + 16 * dynamic.length;
  const out = Buffer.alloc(size);
  out.writeUInt32BE(0x7f454c46, 0);
  out[4] = 2; // ELFCLASS64
  out[5] = 1; // little-endian
  out[6] = 1;
  out.writeUInt16LE(3, 16); // ET_DYN
  out.writeUInt16LE(62, 18); // x86-64
  out.writeBigUInt64LE(64n, 32); // e_phoff
  out.writeUInt16LE(64, 52);
  out.writeUInt16LE(56, 54);
  out.writeUInt16LE(phnum, 56);
  const header = (i: number, type: number, offset: number, filesz: number) => {
    const p = 64 + 56 * i;
    out.writeUInt32LE(type, p);
    out.writeBigUInt64LE(BigInt(offset), p + 8);
    out.writeBigUInt64LE(BASE + BigInt(offset), p + 16);
    out.writeBigUInt64LE(BASE + BigInt(offset), p + 24);
    out.writeBigUInt64LE(BigInt(filesz), p + 32);
    out.writeBigUInt64LE(BigInt(filesz), p + 40);
  };
  header(0, 1, 0, size);
  header(1, 2, dynOffset, 16 * dynamic.length);
  if (spec.interpreter !== undefined) header(2, 3, interpOffset, interp.length);
  strtab.copy(out, strtabOffset);
  interp.copy(out, interpOffset);
  dynamic.forEach(([tag, value], i) => {
    out.writeBigInt64LE(tag, dynOffset + 16 * i);
    out.writeBigUInt64LE(value, dynOffset + 16 * i + 8);
  });
  return out;
}

const LOADER = '/lib64/ld-linux-x86-64.so.2';

test('elfDynamicInfo reads the interpreter, DT_NEEDED in order and the run paths', () => {
  const info = elfDynamicInfo(
    fakeElf({
      interpreter: LOADER,
      needed: ['libaio.so.1', 'libc.so.6'],
      runpath: '$ORIGIN/../lib:/opt/x',
    }),
  );
  assert.deepEqual(info, {
    interpreter: LOADER,
    needed: ['libaio.so.1', 'libc.so.6'],
    runpath: ['$ORIGIN/../lib', '/opt/x'],
    rpath: [],
  });
  assert.deepEqual(elfDynamicInfo(fakeElf({ needed: ['ld-linux-x86-64.so.2'] })), {
    needed: ['ld-linux-x86-64.so.2'],
    runpath: [],
    rpath: [],
  });
});

test('elfDynamicInfo refuses what is not a 64-bit little-endian ELF', () => {
  assert.throws(() => elfDynamicInfo(Buffer.from('#!/bin/sh\necho not elf\n'.repeat(4))), {
    code: 'BERTH_ERR_VALIDATION',
  });
  const elf32 = fakeElf({ needed: ['libc.so.6'] });
  elf32[4] = 1;
  assert.throws(() => elfDynamicInfo(elf32), { code: 'BERTH_ERR_VALIDATION' });
  assert.throws(() => elfDynamicInfo(fakeElf({}).subarray(0, 100)), {
    code: 'BERTH_ERR_VALIDATION',
  });
});

/** A host filesystem of fake ELF files; every read is recorded. */
function fakeHost(files: Record<string, FakeElf>) {
  const reads: string[] = [];
  const bytes = new Map(Object.entries(files).map(([p, spec]) => [p, fakeElf(spec)]));
  return {
    reads,
    bytes,
    read: async (p: string) => (reads.push(p), bytes.get(p)),
  };
}

test('sharedLibraryClosure: the loader, each library once, run paths before the system dirs', async () => {
  const host = fakeHost({
    [LOADER]: {},
    '/lib/x86_64-linux-gnu/libc.so.6': { needed: ['ld-linux-x86-64.so.2'] },
    '/lib/x86_64-linux-gnu/librados.so.2': {
      needed: ['libceph-common.so.2', 'libc.so.6'],
      runpath: '/usr/lib/x86_64-linux-gnu/ceph',
    },
    '/usr/lib/x86_64-linux-gnu/ceph/libceph-common.so.2': { needed: ['libc.so.6'] },
    // Also in a system dir: the run path of librados wins.
    '/usr/lib/x86_64-linux-gnu/libceph-common.so.2': {},
    '/usr/lib/x86_64-linux-gnu/libaio.so.1': { needed: ['libc.so.6'] },
    '/opt/fio/lib/libextra.so.1': { rpath: '/nowhere' },
  });
  const program = fakeElf({
    interpreter: LOADER,
    needed: ['libaio.so.1', 'librados.so.2', 'libc.so.6', 'libextra.so.1'],
    rpath: '$ORIGIN/../lib',
  });
  const files = await sharedLibraryClosure(
    { path: '/opt/fio/bin/fio', content: program },
    host.read,
  );
  assert.deepEqual(
    files.map((f) => [f.path, f.mode]),
    [
      ['/lib/x86_64-linux-gnu/libc.so.6', 0o644],
      ['/lib/x86_64-linux-gnu/librados.so.2', 0o644],
      ['/lib64/ld-linux-x86-64.so.2', 0o755],
      ['/opt/fio/lib/libextra.so.1', 0o644],
      ['/usr/lib/x86_64-linux-gnu/ceph/libceph-common.so.2', 0o644],
      ['/usr/lib/x86_64-linux-gnu/libaio.so.1', 0o644],
    ],
  );
  for (const f of files)
    assert.equal(f.content, host.bytes.get(f.path), `${f.path}: the bytes read`);
  // $ORIGIN expanded; the program's DT_RPATH searched first, then the system dirs in order.
  assert.deepEqual(host.reads.slice(1, 4), [
    '/opt/fio/lib/libaio.so.1',
    '/lib/x86_64-linux-gnu/libaio.so.1',
    '/usr/lib/x86_64-linux-gnu/libaio.so.1',
  ]);
  assert.equal(host.reads.filter((p) => p.endsWith('/libc.so.6')).length, 2, 'found once');
  assert.ok(
    !host.reads.some((p) => p.includes('ld-linux') && p !== LOADER),
    'the loader is its own soname',
  );
});

test('sharedLibraryClosure names the missing library and who needs it', async () => {
  const host = fakeHost({
    [LOADER]: {},
    '/lib/x86_64-linux-gnu/libc.so.6': { needed: ['libgone.so.3'] },
  });
  const program = fakeElf({ interpreter: LOADER, needed: ['libc.so.6'] });
  await assert.rejects(
    sharedLibraryClosure({ path: '/usr/bin/fio', content: program }, host.read),
    {
      code: 'BERTH_ERR_VALIDATION',
      message: new RegExp(
        `^libgone\\.so\\.3 \\(needed by /lib/x86_64-linux-gnu/libc\\.so\\.6\\) is not in ${DEBIAN_AMD64_LIBRARY_DIRS.join(', ')}$`,
      ),
    },
  );
  await assert.rejects(
    sharedLibraryClosure({ path: '/usr/bin/fio', content: program }, async () => undefined),
    {
      code: 'BERTH_ERR_VALIDATION',
      message: /ld-linux-x86-64\.so\.2 \(of \/usr\/bin\/fio\) not found/,
    },
  );
});
