/**
 * The CSI protocol (`proto/csi.proto`, vendored unmodified from the spec, Apache-2.0) loaded
 * at run time. Field names keep the proto's snake_case, 64-bit integers arrive as strings,
 * enums as their names, and unset fields with their defaults (messages as null), so the
 * handlers read requests exactly as the spec names them.
 */
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const CSI_PROTO = fileURLToPath(new URL('../proto/csi.proto', import.meta.url));

export interface CsiServiceDefinitions {
  Identity: grpc.ServiceDefinition;
  Controller: grpc.ServiceDefinition;
  Node: grpc.ServiceDefinition;
}

let loaded: CsiServiceDefinitions | undefined;

export function csiServices(): CsiServiceDefinitions {
  if (loaded !== undefined) return loaded;
  const definition = protoLoader.loadSync(CSI_PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const service = (name: string) => definition[`csi.v1.${name}`] as grpc.ServiceDefinition;
  loaded = {
    Identity: service('Identity'),
    Controller: service('Controller'),
    Node: service('Node'),
  };
  return loaded;
}
