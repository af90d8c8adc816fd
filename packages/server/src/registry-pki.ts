/**
 * The registry's PKI, kept with the server's secrets: a Berth registry CA (10 years) and the key
 * that derives node pull credentials, both sealed in the store (`store.secrets`, under the
 * reserved owner `platform-registry`) with the server's secret key — so every replica and every
 * restart sees the same CA, which nodes and `berth registry login` trust. The key that signs
 * directory users' cluster tokens is kept the same way (its JWKS is served by the same front). The serving and
 * token-signing certificates are issued anew at each start (short-lived inputs of one process).
 */
import { randomBytes } from 'node:crypto';
import { generateSigningKey } from '@berth/identity';
import {
  createCertificateAuthority,
  issueCertificate,
  loadSecretKey,
  SealedSecretStore,
  type CertificateAuthority,
  type IssuedCertificate,
  type SealedSecretBackend,
} from '@berth/kube-bootstrap';

const OWNER = 'platform-registry';

export interface RegistryPki {
  ca: CertificateAuthority;
  serving: IssuedCertificate;
  signer: IssuedCertificate;
  /** 32 bytes; derives node pull credentials. A secret. */
  credentialKey: Buffer;
  /** PKCS#8 PEM of the key that signs directory users' cluster tokens (JWTs). A secret. */
  userTokenKey: string;
}

export async function loadRegistryPki(input: {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  backend: SealedSecretBackend;
  /** IP addresses and DNS names clients use; the serving certificate's SANs. */
  addresses: { ips: string[]; dnsNames: string[] };
}): Promise<RegistryPki> {
  const secrets = new SealedSecretStore({
    backend: input.backend,
    key: await loadSecretKey({ dataDir: input.dataDir, env: input.env }),
  });
  const ca = await loadOrCreate(secrets, async () => {
    const made = await createCertificateAuthority({ commonName: 'berth-registry-ca' });
    return { cert: made.certPem, key: made.keyPem };
  });
  const credential = await loadOrCreate(
    secrets,
    async () => ({
      cert: '',
      key: randomBytes(32).toString('base64'),
    }),
    'node-credential',
  );
  const userToken = await loadOrCreate(
    secrets,
    async () => ({ cert: '', key: generateSigningKey() }),
    'user-token-signer',
  );
  const authority = { certPem: ca.cert, keyPem: ca.key };
  const serving = await issueCertificate({
    ca: authority,
    commonName: 'berth-registry',
    usage: 'server',
    ipAddresses: input.addresses.ips,
    dnsNames: input.addresses.dnsNames,
  });
  const signer = await issueCertificate({
    ca: authority,
    commonName: 'berth-registry-token-signer',
    usage: 'client',
  });
  return {
    ca: authority,
    serving,
    signer,
    credentialKey: Buffer.from(credential.key, 'base64'),
    userTokenKey: userToken.key,
  };
}

async function loadOrCreate(
  secrets: SealedSecretStore,
  make: () => Promise<{ cert: string; key: string }>,
  name = 'ca',
): Promise<{ cert: string; key: string }> {
  const cert = await secrets.get(OWNER, `${name}.crt`);
  const key = await secrets.get(OWNER, `${name}.key`);
  if (cert !== undefined && key !== undefined) return { cert, key };
  const made = await make();
  await secrets.put(OWNER, `${name}.crt`, made.cert);
  await secrets.put(OWNER, `${name}.key`, made.key);
  return made;
}
