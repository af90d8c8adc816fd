/**
 * kubelet's plugin registration (`pluginregistration.Registration`, kubelet's
 * `pkg/apis/pluginregistration/v1/api.proto`): a plugin puts a unix socket in kubelet's
 * `plugins_registry` directory; kubelet's plugin watcher sees it, calls `GetInfo` to learn the
 * plugin's type, name, endpoint and supported versions, registers the CSI driver (calling its
 * `NodeGetInfo`, which fills the node's CSINode object and topology labels) and reports the
 * outcome with `NotifyRegistrationStatus`. This is the job upstream's node-driver-registrar does
 * beside a driver; Berth's node plugin does it itself.
 *
 * The four messages are written as a protobufjs reflection schema by field number (the same
 * wire format as the generated types), so no upstream file is needed.
 */
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** kubelet's plugin-watcher directory, under its root directory. */
export const PLUGINS_REGISTRY_DIR = '/var/lib/kubelet/plugins_registry';
/** Where CSI drivers conventionally keep their endpoint on a node. */
export const PLUGINS_DIR = '/var/lib/kubelet/plugins';
/** `PluginInfo.type` of a CSI driver (kubelet's `CSIPlugin`). */
export const CSI_PLUGIN_TYPE = 'CSIPlugin';
/** The CSI versions kubelet accepts for a driver it registers. */
export const SUPPORTED_VERSIONS = ['1.0.0'];

const str = (id: number) => ({ type: 'string', id });

const schema: Parameters<typeof protoLoader.fromJSON>[0] = {
  nested: {
    pluginregistration: {
      nested: {
        PluginInfo: {
          fields: {
            type: str(1),
            name: str(2),
            endpoint: str(3),
            supported_versions: { type: 'string', id: 4, rule: 'repeated' as const },
          },
        },
        RegistrationStatus: {
          fields: { plugin_registered: { type: 'bool', id: 1 }, error: str(2) },
        },
        RegistrationStatusResponse: { fields: {} },
        InfoRequest: { fields: {} },
        Registration: {
          methods: {
            GetInfo: { requestType: 'InfoRequest', responseType: 'PluginInfo', comment: '' },
            NotifyRegistrationStatus: {
              requestType: 'RegistrationStatus',
              responseType: 'RegistrationStatusResponse',
              comment: '',
            },
          },
        },
      },
    },
  },
};

/** The Registration service definition (also what a test client dials with). */
export function registrationService(): grpc.ServiceDefinition {
  const definition = protoLoader.fromJSON(schema, { keepCase: true, defaults: true });
  return definition['pluginregistration.Registration'] as grpc.ServiceDefinition;
}

export interface PluginInfo {
  type: string;
  name: string;
  endpoint: string;
  supported_versions: string[];
}

export interface RegistrationStatus {
  plugin_registered: boolean;
  error: string;
}

export interface RegistrationServerOptions {
  /** The socket in kubelet's plugins_registry directory; an old one there is replaced. */
  socket: string;
  info: PluginInfo;
  /** What kubelet said about the registration. */
  onStatus?: (status: RegistrationStatus) => void;
}

export interface RegistrationServer {
  stop(): Promise<void>;
}

export async function startRegistrationServer(
  options: RegistrationServerOptions,
): Promise<RegistrationServer> {
  const server = new grpc.Server();
  server.addService(registrationService(), {
    GetInfo: (_call: unknown, callback: grpc.sendUnaryData<PluginInfo>) =>
      callback(null, options.info),
    NotifyRegistrationStatus: (
      call: grpc.ServerUnaryCall<RegistrationStatus, object>,
      callback: grpc.sendUnaryData<object>,
    ) => {
      options.onStatus?.(call.request);
      callback(null, {});
    },
  });
  fs.rmSync(options.socket, { force: true });
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`unix://${options.socket}`, grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return {
    stop: () =>
      new Promise<void>((resolve) =>
        server.tryShutdown(() => {
          fs.rmSync(options.socket, { force: true });
          resolve();
        }),
      ),
  };
}
