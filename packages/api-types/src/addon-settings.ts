/**
 * Addon settings: each installable addon has a small typed values object, sent as the string map
 * `config` of its `spec.addons[]` entry (so every client — CLI `--set k=v`, Terraform's
 * `map(string)` — can send it) and read through the addon's TypeBox schema here. A key the addon
 * does not have, or a value that does not convert to the field's type and bounds, is refused with
 * BERTH_ERR_VALIDATION naming `<field>.<key>`. Absent keys take the schema's defaults.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BerthError } from '@berth/errors';
import { Closed } from './schema-helpers.js';

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

export const IngressSettings = Closed(
  {
    replicas: Type.Integer({
      minimum: 1,
      maximum: 5,
      default: 2,
      description: 'Ingress controller pods (a PodDisruptionBudget keeps one up while nodes drain)',
    }),
    cpu: Type.String({
      pattern: '^[0-9]{1,6}(\\.[0-9]{1,3})?m?$',
      default: '100m',
      description:
        "Each pod's CPU request, e.g. 100m or 2 (a request no node can meet leaves the addon Failed)",
    }),
    internal: Type.Boolean({
      default: false,
      description:
        "No floating IP: the ingress load balancer's address is its VIP on the cluster network",
    }),
    tls: Type.Union([Type.Literal('ingress'), Type.Literal('loadbalancer')], {
      default: 'ingress',
      description:
        'Where HTTPS ends: ingress (Traefik, certificates from the Ingresses, PROXY v2 from the load balancer) or loadbalancer (the amphorae, with tlsSecret; HTTP with X-Forwarded-For to Traefik)',
    }),
    tlsSecret: Type.Optional(
      Type.String({
        pattern: DNS_SUBDOMAIN,
        maxLength: 253,
        description:
          'With tls=loadbalancer: a kubernetes.io/tls Secret in the berth-ingress namespace, the certificate of the load balancer',
      }),
    ),
  },
  { title: 'IngressSettings', description: 'Settings of the ingress addon (Traefik)' },
);
export type IngressSettings = Static<typeof IngressSettings>;

export const MonitoringSettings = Closed(
  {
    retention: Type.String({
      pattern: '^[1-9][0-9]{0,3}(h|d|w)$',
      default: '1d',
      description: 'How long Prometheus keeps samples, e.g. 12h, 1d, 2w (storage is an emptyDir)',
    }),
    replicas: Type.Integer({
      minimum: 1,
      maximum: 2,
      default: 1,
      description: 'Prometheus pods (each scrapes every target; 2 for a spare while one restarts)',
    }),
  },
  { title: 'MonitoringSettings', description: 'Settings of the monitoring addon (Prometheus)' },
);
export type MonitoringSettings = Static<typeof MonitoringSettings>;

/** Settings that only make sense together: the first problem as the key it names, or none. */
const CROSS_CHECKS: Readonly<
  Record<
    string,
    (settings: Record<string, unknown>) => { key: string; message: string } | undefined
  >
> = {
  ingress: (s) => {
    if (s.tls === 'loadbalancer' && s.tlsSecret === undefined)
      return {
        key: 'tlsSecret',
        message: 'tls=loadbalancer needs tlsSecret: a kubernetes.io/tls Secret in berth-ingress',
      };
    if (s.tls !== 'loadbalancer' && s.tlsSecret !== undefined)
      return {
        key: 'tlsSecret',
        message: "tlsSecret is the load balancer's certificate: it needs tls=loadbalancer",
      };
    return undefined;
  },
};

/** The settings schema of every addon that has one; an addon not listed takes no settings. */
export const ADDON_SETTINGS: Readonly<Record<string, ReturnType<typeof Closed>>> = {
  ingress: IngressSettings,
  monitoring: MonitoringSettings,
};

/**
 * The typed settings of `addon` from its `config` strings, defaults filled in.
 * @throws BERTH_ERR_VALIDATION with field `<field>.<key>` for an unknown key or a bad value
 */
export function parseAddonSettings(
  addon: string,
  config: Readonly<Record<string, string>> | undefined,
  field = 'config',
): Record<string, unknown> {
  const schema = ADDON_SETTINGS[addon];
  const properties: Record<string, TSchema> = schema?.properties ?? {};
  const typed: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(config ?? {})) {
    const property = properties[key];
    if (property === undefined) {
      const known = Object.keys(properties);
      throw invalid(
        `${field}.${key}`,
        `addon ${addon} has no setting "${key}"; ${known.length > 0 ? `settings: ${known.join(', ')}` : 'it takes none'}`,
      );
    }
    const value = convert(property, text);
    if (value === undefined || !Value.Check(property, value))
      throw invalid(`${field}.${key}`, `${key}: ${expected(property)}, not "${text}"`);
    typed[key] = value;
  }
  if (schema === undefined) return typed;
  const settings = Value.Default(schema, typed) as Record<string, unknown>;
  const problem = CROSS_CHECKS[addon]?.(settings);
  if (problem !== undefined) throw invalid(`${field}.${problem.key}`, problem.message);
  return settings;
}

function convert(schema: TSchema, text: string): unknown {
  const type = (schema as { type?: string }).type;
  if (type === 'integer') return /^-?\d{1,9}$/.test(text) ? Number(text) : undefined;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  return text;
}

function expected(schema: TSchema): string {
  const s = schema as {
    type?: string;
    minimum?: number;
    maximum?: number;
    enum?: string[];
    anyOf?: { const?: unknown }[];
    pattern?: string;
  };
  if (s.type === 'integer') return `an integer from ${s.minimum} to ${s.maximum}`;
  if (s.type === 'boolean') return '"true" or "false"';
  if (s.enum) return `one of ${s.enum.join(', ')}`;
  if (schema === MonitoringSettings.properties['retention'])
    return 'a duration in hours, days or weeks such as 12h, 1d or 2w';
  if (s.anyOf) return `one of ${s.anyOf.map((a) => String(a.const)).join(', ')}`;
  if (s.pattern === DNS_SUBDOMAIN) return 'a Kubernetes object name (lower-case DNS subdomain)';
  return 'a CPU quantity such as 100m or 2';
}

function invalid(field: string, message: string): BerthError {
  return new BerthError('BERTH_ERR_VALIDATION', message, { field });
}
