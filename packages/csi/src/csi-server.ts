/**
 * Serves the driver's services on a unix socket (CSI's transport: the kubelet and the sidecars
 * dial `unix://…`), mapping every failure to its gRPC status (csi-errors.ts).
 */
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ControllerService } from './controller.js';
import { toGrpcError } from './csi-errors.js';
import { IdentityService } from './identity.js';
import { NODE_CAPABILITIES, type NodeService } from './node.js';
import { csiServices } from './proto.js';

export interface CsiServerOptions {
  /** A unix socket path; an old socket file there is replaced. */
  socket: string;
  /** The protocol: a verified `csi.proto`, as `ensureCsiProto` returns its path. */
  protoFile: string;
  identity: IdentityService;
  controller?: ControllerService;
  node?: NodeService;
  /** One line per failed call (method, gRPC code, message). */
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface CsiServer {
  endpoint: string;
  stop(): Promise<void>;
}

type Handler = (request: never, signal: AbortSignal) => Promise<object> | object;

export async function startCsiServer(options: CsiServerOptions): Promise<CsiServer> {
  const services = csiServices(options.protoFile);
  const server = new grpc.Server();
  const unary =
    (method: string, handler: Handler): grpc.handleUnaryCall<object, object> =>
    (call, callback) => {
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      Promise.resolve()
        .then(() => handler(call.request as never, abort.signal))
        .then(
          (response) => callback(null, response),
          (err: unknown) => {
            const error = toGrpcError(err);
            options.log?.('csi.call-failed', { method, code: error.code, message: error.details });
            callback(error);
          },
        );
    };
  const { identity, controller, node } = options;
  server.addService(services.Identity, {
    GetPluginInfo: unary('GetPluginInfo', () => identity.pluginInfo()),
    GetPluginCapabilities: unary('GetPluginCapabilities', () => identity.pluginCapabilities()),
    Probe: unary('Probe', () => identity.probe()),
  });
  if (controller !== undefined) {
    server.addService(services.Controller, {
      CreateVolume: unary('CreateVolume', (r, s) => controller.createVolume(r, s)),
      DeleteVolume: unary('DeleteVolume', (r, s) => controller.deleteVolume(r, s)),
      ControllerPublishVolume: unary('ControllerPublishVolume', (r, s) => controller.publish(r, s)),
      ControllerUnpublishVolume: unary('ControllerUnpublishVolume', (r, s) =>
        controller.unpublish(r, s),
      ),
      ValidateVolumeCapabilities: unary('ValidateVolumeCapabilities', (r, s) =>
        controller.validateCapabilities(r, s),
      ),
      ListVolumes: unary('ListVolumes', (r, s) => controller.listVolumes(r, s)),
      ControllerExpandVolume: unary('ControllerExpandVolume', (r, s) => controller.expand(r, s)),
      ControllerGetCapabilities: unary('ControllerGetCapabilities', () =>
        IdentityService.controllerCapabilities(),
      ),
    });
  }
  if (node !== undefined) {
    server.addService(services.Node, {
      NodeStageVolume: unary('NodeStageVolume', (r) => node.stage(r)),
      NodeUnstageVolume: unary('NodeUnstageVolume', (r) => node.unstage(r)),
      NodePublishVolume: unary('NodePublishVolume', (r) => node.publish(r)),
      NodeUnpublishVolume: unary('NodeUnpublishVolume', (r) => node.unpublish(r)),
      NodeExpandVolume: unary('NodeExpandVolume', (r) => node.expand(r)),
      NodeGetCapabilities: unary('NodeGetCapabilities', () => ({
        capabilities: NODE_CAPABILITIES.map((type) => ({ rpc: { type } })),
      })),
      NodeGetInfo: unary('NodeGetInfo', () => node.info()),
    });
  }
  fs.rmSync(options.socket, { force: true });
  const endpoint = `unix://${options.socket}`;
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(endpoint, grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => {
          fs.rmSync(options.socket, { force: true });
          resolve();
        });
      }),
  };
}
