/**
 * The platform's container registry as clients see it (`GET /v1/registry`): where to push and
 * pull (`<endpoint>/<project>/<name>:<tag>`) and the CA its certificate is signed by.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed } from './schema-helpers.js';

export const RegistryInfo = Closed(
  {
    endpoint: Type.String({
      description:
        '`host:port` of the registry, as image references name it and cluster nodes reach it',
      examples: ['198.18.0.1:5000'],
    }),
    caCertificate: Type.String({
      description: "PEM of Berth's registry CA, which signs the registry's TLS certificate",
    }),
  },
  { title: 'RegistryInfo' },
);
export type RegistryInfo = Static<typeof RegistryInfo>;
