/** A CSI client for tests: each service's methods as promises, over the driver's socket. */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CSI_LOADER_OPTIONS } from '../proto.js';

type Call = (request?: object) => Promise<Record<string, unknown>>;
type UnaryMethod = (
  request: object,
  callback: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void,
) => void;
export type CsiClient = Record<'identity' | 'controller' | 'node', Record<string, Call>> & {
  close(): void;
};

/** A client of the driver at `endpoint`, speaking the protocol in `protoFile` (see ensureCsiProto). */
export function csiClient(endpoint: string, protoFile: string): CsiClient {
  const definition = protoLoader.loadSync(protoFile, CSI_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    csi: { v1: Record<string, grpc.ServiceClientConstructor> };
  };
  const clients: grpc.Client[] = [];
  const wrap = (name: string) => {
    const Ctor = pkg.csi.v1[name]!;
    const client = new Ctor(endpoint, grpc.credentials.createInsecure());
    clients.push(client);
    const methods: Record<string, Call> = {};
    for (const method of Object.keys(Ctor.service)) {
      methods[method] = (request = {}) =>
        new Promise((resolve, reject) =>
          (client as unknown as Record<string, UnaryMethod>)[method]!.call(
            client,
            request,
            (err, res) => (err ? reject(err) : resolve(res)),
          ),
        );
    }
    return methods;
  };
  return {
    identity: wrap('Identity'),
    controller: wrap('Controller'),
    node: wrap('Node'),
    close: () => clients.forEach((c) => c.close()),
  };
}
