/**
 * A real OpenLDAP `slapd` for tests: its own config, schema, data and certificates in a temp
 * dir, listening on 127.0.0.1 only (ldap:// with StartTLS, and ldaps://), started with the
 * fixture directory below and stopped by PID (`stop` also deletes the dir). Two trees:
 *
 * - `dc=berth,dc=test` (OpenLDAP layout): `ou=people` with inetOrgPerson users (uid), `ou=groups`
 *   with groupOfNames; the ppolicy overlay, so `pwdAccountLockedTime` locks an account.
 * - `DC=corp,DC=example` (Active Directory layout): `CN=Users` holding `user` objects with
 *   `sAMAccountName` and `userAccountControl`, and `group` objects with `member`, from a small
 *   schema carrying AD's attribute OIDs. slapd cannot evaluate AD's in-chain matching rule, so
 *   nested groups there are followed by Berth's recursive search.
 *
 * Needs Debian's `slapd` (and `openssl` for the certificates).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Change, Attribute } from 'ldapts';
import { freePort, until } from '@berth/test-kit';

const run = promisify(execFile);

export const SLAPD = '/usr/sbin/slapd';
export const SLAPADD = '/usr/sbin/slapadd';
export const PASSWORD = 'correct horse';
export const ADMIN_PASSWORD = 'admin-secret';
export const LDAP_ADMIN_DN = 'cn=admin,dc=berth,dc=test';
export const AD_ADMIN_DN = 'CN=admin,DC=corp,DC=example';

/** Whether this host can run the fixture. */
export function slapdPresent(): boolean {
  return existsSync(SLAPD) && existsSync(SLAPADD) && existsSync('/usr/bin/openssl');
}

export interface TestSlapd {
  /** `ldap://127.0.0.1:<port>` (StartTLS offered). */
  url: string;
  /** `ldaps://127.0.0.1:<port>`. */
  ldapsUrl: string;
  /** The CA that signed slapd's certificate. */
  caPem: string;
  caFile: string;
  pid: number;
  /** Runs `fn` bound as the tree's rootdn (`ad`: the AD tree). */
  admin<T>(fn: (client: Client) => Promise<T>, tree?: 'ldap' | 'ad'): Promise<T>;
  /** Adds or removes a member (a DN) of a group (a DN). */
  setMember(
    groupDn: string,
    memberDn: string,
    present: boolean,
    tree?: 'ldap' | 'ad',
  ): Promise<void>;
  stop(): Promise<void>;
}

const AD_SCHEMA = `
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.2.840.113556.1.5.9 NAME 'user' SUP inetOrgPerson STRUCTURAL
  MAY ( sAMAccountName $ userAccountControl ) )
objectclass ( 1.2.840.113556.1.5.8 NAME 'group' SUP top STRUCTURAL
  MUST cn MAY ( member $ sAMAccountName $ description ) )
`;

function slapdConf(dir: string): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include ${dir}/ad.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile ${dir}/slapd.pid
TLSCACertificateFile ${dir}/ca.crt
TLSCertificateFile ${dir}/server.crt
TLSCertificateKeyFile ${dir}/server.key

database mdb
suffix "dc=berth,dc=test"
rootdn "${LDAP_ADMIN_DN}"
rootpw ${ADMIN_PASSWORD}
directory ${dir}/ldap
maxsize 16777216
overlay ppolicy

database mdb
suffix "DC=corp,DC=example"
rootdn "${AD_ADMIN_DN}"
rootpw ${ADMIN_PASSWORD}
directory ${dir}/ad
maxsize 16777216
`;
}

const user = (uid: string, extra = '') => `dn: uid=${uid},ou=people,dc=berth,dc=test
objectClass: inetOrgPerson
uid: ${uid}
cn: ${uid}
sn: ${uid}
userPassword: ${PASSWORD}
${extra}`;

const group = (cn: string, members: string[], base = 'ou=groups,dc=berth,dc=test') =>
  `dn: cn=${cn},${base}
objectClass: groupOfNames
cn: ${cn}
${members.map((m) => `member: ${m}`).join('\n')}
`;

const person = (uid: string) => `uid=${uid},ou=people,dc=berth,dc=test`;

/**
 * OpenLDAP tree: alice ∈ devs; carol ∈ leads ⊂ devs (nested); bob ∈ ops; dave (locked) ∈ devs;
 * the service account `cn=berth,ou=services` may search.
 */
export const LDAP_LDIF = [
  'dn: dc=berth,dc=test\nobjectClass: dcObject\nobjectClass: organization\no: berth\ndc: berth\n',
  'dn: ou=people,dc=berth,dc=test\nobjectClass: organizationalUnit\nou: people\n',
  'dn: ou=groups,dc=berth,dc=test\nobjectClass: organizationalUnit\nou: groups\n',
  'dn: ou=services,dc=berth,dc=test\nobjectClass: organizationalUnit\nou: services\n',
  `dn: cn=berth,ou=services,dc=berth,dc=test\nobjectClass: person\ncn: berth\nsn: berth\nuserPassword: ${ADMIN_PASSWORD}\n`,
  user('alice'),
  user('bob'),
  user('carol'),
  user('dave', 'pwdAccountLockedTime: 20260101000000Z\n'),
  group('devs', [person('alice'), person('dave'), 'cn=leads,ou=groups,dc=berth,dc=test']),
  group('leads', [person('carol')]),
  group('ops', [person('bob')]),
  group('system:masters', [person('bob')]),
].join('\n');

const adUser = (name: string, uac: number) => `dn: CN=${name},CN=Users,DC=corp,DC=example
objectClass: user
cn: ${name}
sn: ${name}
sAMAccountName: ${name.toLowerCase()}
userAccountControl: ${uac}
userPassword: ${PASSWORD}
`;

const adGroup = (name: string, members: string[]) => `dn: CN=${name},CN=Users,DC=corp,DC=example
objectClass: group
cn: ${name}
sAMAccountName: ${name}
${members.map((m) => `member: ${m}`).join('\n')}
`;

const adDn = (cn: string) => `CN=${cn},CN=Users,DC=corp,DC=example`;

/** AD tree: Alice ∈ Team-A ⊂ Devs (nested); Erin is disabled (userAccountControl 514). */
export const AD_LDIF = [
  'dn: DC=corp,DC=example\nobjectClass: dcObject\nobjectClass: organization\no: corp\ndc: corp\n',
  'dn: CN=Users,DC=corp,DC=example\nobjectClass: organizationalRole\ncn: Users\n',
  adUser('Alice', 512),
  adUser('Erin', 514),
  adUser('svc-berth', 512),
  adGroup('Team-A', [adDn('Alice')]),
  adGroup('Devs', [adDn('Team-A'), adDn('Erin')]),
].join('\n');

async function makeCertificates(dir: string): Promise<void> {
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  await openssl(
    ...['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=berth test ldap ca'],
    ...['-days', '2', '-out', 'ca.crt'],
  );
  await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key');
  await openssl(
    'req',
    '-new',
    '-key',
    'server.key',
    '-subj',
    '/CN=127.0.0.1',
    '-out',
    'server.csr',
  );
  await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(
    ...['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key'],
    ...['-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'server.crt'],
  );
}

/** Starts slapd with both trees loaded. Throws when it does not answer within 15 s. */
export async function startSlapd(): Promise<TestSlapd> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-slapd-'));
  let child: ChildProcess | undefined;
  try {
    await mkdir(join(dir, 'ldap'));
    await mkdir(join(dir, 'ad'));
    await writeFile(join(dir, 'ad.schema'), AD_SCHEMA);
    await writeFile(join(dir, 'slapd.conf'), slapdConf(dir));
    await writeFile(join(dir, 'ldap.ldif'), LDAP_LDIF);
    await writeFile(join(dir, 'ad.ldif'), AD_LDIF);
    await makeCertificates(dir);
    const conf = join(dir, 'slapd.conf');
    await run(SLAPADD, ['-f', conf, '-b', 'dc=berth,dc=test', '-l', join(dir, 'ldap.ldif')]);
    await run(SLAPADD, ['-f', conf, '-b', 'DC=corp,DC=example', '-l', join(dir, 'ad.ldif')]);
    const [port, tlsPort] = [await freePort(), await freePort()];
    const url = `ldap://127.0.0.1:${port}`;
    const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
    // -d 0: stay in the foreground (so the PID is ours) without debug output.
    child = spawn(SLAPD, ['-f', conf, '-h', `${url}/ ${ldapsUrl}/`, '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)),
    );
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) => reject(new Error(`slapd exited (${code}): ${stderr}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      until('slapd answering', () => anonymousBind(url), { timeoutMs: 15_000, intervalMs: 100 }),
    ]);
    const caFile = join(dir, 'ca.crt');
    return handle({ dir, child, url, ldapsUrl, caFile, caPem: await readFile(caFile, 'utf8') });
  } catch (err) {
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function anonymousBind(url: string): Promise<boolean> {
  const client = new Client({ url, connectTimeout: 500, timeout: 500 });
  try {
    await client.search('', { scope: 'base', filter: '(objectClass=*)' });
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

interface Running {
  dir: string;
  child: ChildProcess;
  url: string;
  ldapsUrl: string;
  caFile: string;
  caPem: string;
}

function handle(r: Running): TestSlapd {
  const pid = r.child.pid!;
  const admin = async <T>(fn: (c: Client) => Promise<T>, tree: 'ldap' | 'ad' = 'ldap') => {
    const client = new Client({ url: r.url, timeout: 5_000 });
    try {
      await client.bind(tree === 'ad' ? AD_ADMIN_DN : LDAP_ADMIN_DN, ADMIN_PASSWORD);
      return await fn(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  return {
    url: r.url,
    ldapsUrl: r.ldapsUrl,
    caPem: r.caPem,
    caFile: r.caFile,
    pid,
    admin,
    setMember: (groupDn, memberDn, present, tree) =>
      admin(async (client) => {
        const modification = new Attribute({ type: 'member', values: [memberDn] });
        await client.modify(
          groupDn,
          new Change({ operation: present ? 'add' : 'delete', modification }),
        );
      }, tree),
    stop: async () => {
      if (r.child.exitCode === null && r.child.signalCode === null) {
        const gone = new Promise((resolve) => r.child.once('exit', resolve));
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => process.kill(pid, 'SIGKILL'), 5_000);
        await gone;
        clearTimeout(timer);
      }
      await rm(r.dir, { recursive: true, force: true });
    },
  };
}
