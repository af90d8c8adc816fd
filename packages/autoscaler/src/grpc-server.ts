/**
 * Serves the `CloudProvider` service over mutual TLS on loopback: only a client certificate
 * signed by the autoscaler CA gets in, and its CN (a cluster's uid) is the only cluster it may
 * act on. The autoscalers Berth runs are its own children on the same host, so loopback is
 * enough and no tenant network ever reaches this port.
 */
import * as grpc from '@grpc/grpc-js';
import type { CloudProviderBackend } from './backend.js';
import {
  cloudProviderDefinition,
  cloudProviderImplementation,
  type ServiceLogger,
} from './service.js';

export interface AutoscalerTls {
  caPem: string;
  serverCertPem: string;
  /** A secret: never log it. */
  serverKeyPem: string;
}

export interface CloudProviderServerOptions {
  backend: CloudProviderBackend;
  tls: AutoscalerTls;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  logger?: ServiceLogger;
}

export interface CloudProviderServer {
  /** `host:port` for the autoscalers' cloud-config. */
  address: string;
  stop(): Promise<void>;
}

export async function startCloudProviderServer(
  options: CloudProviderServerOptions,
): Promise<CloudProviderServer> {
  const server = new grpc.Server();
  server.addService(
    cloudProviderDefinition(),
    cloudProviderImplementation(
      options.backend,
      (call) => {
        const cn = call.getAuthContext()?.sslPeerCertificate?.subject?.CN;
        return typeof cn === 'string' && cn !== '' ? cn : undefined;
      },
      options.logger,
    ),
  );
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from(options.tls.caPem),
    [
      {
        cert_chain: Buffer.from(options.tls.serverCertPem),
        private_key: Buffer.from(options.tls.serverKeyPem),
      },
    ],
    true,
  );
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    address: `${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Calls in flight get 5 s; then the server goes regardless.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 5000).unref();
      }),
  };
}
