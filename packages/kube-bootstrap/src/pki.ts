/**
 * The certificates a Kubernetes control plane runs on, kubeadm-style: certificate authorities
 * (cluster, etcd, front-proxy) and the serving, client and peer certificates they sign. Every
 * function takes what it needs and returns PEM text; nothing touches the filesystem. Keys are
 * ECDSA P-256 (small, fast to make, accepted by every component); the service-account signing
 * key is RSA 2048 as kubeadm makes it.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs the Reflect polyfill first.
import * as x509 from '@peculiar/x509';
import { generateKeyPair, randomBytes, webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { errors } from '@berth/errors';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
/** Node's WebCrypto, handed to @peculiar/x509 explicitly rather than set as its global provider. */
const crypto = webcrypto as unknown as NonNullable<
  Parameters<typeof x509.X509CertificateGenerator.create>[1]
>;
const subtle = webcrypto.subtle;
const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Allowance for clocks of other hosts that run slightly behind. */
const BACKDATE_MS = 5 * 60 * 1000;

export interface CertificateAuthority {
  certPem: string;
  /** PKCS#8 PEM. A secret: never log it. */
  keyPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface CreateCaInput {
  commonName: string;
  /** Default 10 years, as kubeadm's CAs. */
  validityDays?: number;
  now?: Date;
}

/** What a certificate is for: `peer` serves and connects (etcd members talking to each other). */
export type CertificateUsage = 'server' | 'client' | 'peer';

export interface IssueCertificateInput {
  ca: CertificateAuthority;
  commonName: string;
  /** Subject O= entries; Kubernetes reads them as the groups of a client certificate. */
  organizations?: string[];
  usage: CertificateUsage;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Default 1 year, as kubeadm's leaf certificates. */
  validityDays?: number;
  now?: Date;
}

export async function createCertificateAuthority(
  input: CreateCaInput,
): Promise<CertificateAuthority> {
  const keys = await generateEcKeys();
  const name = [{ CN: [input.commonName] }];
  const cert = await x509.X509CertificateGenerator.create(
    {
      ...validity(input.now, input.validityDays ?? 3650),
      serialNumber: serialNumber(),
      subject: name,
      issuer: name,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign |
            x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

/**
 * Signs a certificate for `commonName` with the CA. Throws BERTH_ERR_VALIDATION when a
 * serving certificate has no SAN (clients would reject it) or an IP address is malformed.
 */
export async function issueCertificate(input: IssueCertificateInput): Promise<IssuedCertificate> {
  const dnsNames = input.dnsNames ?? [];
  const ipAddresses = input.ipAddresses ?? [];
  if (input.usage !== 'client' && dnsNames.length + ipAddresses.length === 0) {
    throw errors.invalid(
      'dnsNames',
      `a ${input.usage} certificate needs at least one DNS name or IP address`,
    );
  }
  for (const ip of ipAddresses) {
    if (!isIpAddress(ip)) throw errors.invalid('ipAddresses', `"${ip}" is not an IP address`);
  }
  const caCert = new x509.X509Certificate(input.ca.certPem);
  const caKey = await importEcKey(input.ca.keyPem);
  const keys = await generateEcKeys();
  const subject = [
    { CN: [input.commonName] },
    ...(input.organizations ?? []).map((o) => ({ O: [o] })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(extendedUsages(input.usage), false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
  ];
  if (dnsNames.length + ipAddresses.length > 0) {
    const names = [
      ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
    ];
    extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  }
  const cert = await x509.X509CertificateGenerator.create(
    {
      ...validity(input.now, input.validityDays ?? 365),
      serialNumber: serialNumber(),
      subject,
      issuer: caCert.subjectName,
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGNING,
      extensions,
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

export interface ServiceAccountKeyPair {
  /** PKCS#8 PEM for `--service-account-signing-key-file`. A secret. */
  privateKeyPem: string;
  /** SPKI PEM for `--service-account-key-file`. */
  publicKeyPem: string;
}

export async function createServiceAccountKeyPair(): Promise<ServiceAccountKeyPair> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
  });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function extendedUsages(usage: CertificateUsage): string[] {
  if (usage === 'server') return [x509.ExtendedKeyUsage.serverAuth];
  if (usage === 'client') return [x509.ExtendedKeyUsage.clientAuth];
  return [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth];
}

function validity(now = new Date(), days: number): { notBefore: Date; notAfter: Date } {
  return {
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
  };
}

/** 128 random bits, top bit cleared so the DER integer stays positive (RFC 5280 §4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function generateEcKeys(): Promise<CryptoKeyPair> {
  return subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', key));
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

async function importEcKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return subtle.importKey('pkcs8', der, EC_KEY, false, ['sign']);
}

function isIpAddress(value: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255);
  return /^[0-9a-fA-F:]+$/.test(value) && value.includes(':');
}
