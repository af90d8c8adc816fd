/**
 * The CSI protocol loaded at run time from a `csi.proto` file (the spec's own, fetched and
 * verified by `ensureCsiProto`, csi-proto.ts; nothing is generated from it). Field names keep
 * the proto's snake_case, 64-bit integers arrive as strings, enums as their names, and unset
 * fields with their defaults (messages as null), so the handlers read requests exactly as the
 * spec names them.
 */
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface CsiServiceDefinitions {
  Identity: grpc.ServiceDefinition;
  Controller: grpc.ServiceDefinition;
  Node: grpc.ServiceDefinition;
}

/** How the driver and its test client load the protocol (see the module comment). */
export const CSI_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

const loaded = new Map<string, CsiServiceDefinitions>();

/**
 * The three services of the protocol in `protoFile` (a verified `csi.proto`, as
 * `ensureCsiProto` returns its path). Parsed once per file; throws when the file cannot be read
 * or parsed.
 */
export function csiServices(protoFile: string): CsiServiceDefinitions {
  const cached = loaded.get(protoFile);
  if (cached !== undefined) return cached;
  const definition = protoLoader.loadSync(protoFile, CSI_LOADER_OPTIONS);
  const service = (name: string) => definition[`csi.v1.${name}`] as grpc.ServiceDefinition;
  const services = {
    Identity: service('Identity'),
    Controller: service('Controller'),
    Node: service('Node'),
  };
  loaded.set(protoFile, services);
  return services;
}
