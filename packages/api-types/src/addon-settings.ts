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
  },
  { title: 'IngressSettings', description: 'Settings of the ingress addon (Traefik)' },
);
export type IngressSettings = Static<typeof IngressSettings>;

/** The settings schema of every addon that has one; an addon not listed takes no settings. */
export const ADDON_SETTINGS: Readonly<Record<string, ReturnType<typeof Closed>>> = {
  ingress: IngressSettings,
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
  return schema === undefined ? typed : (Value.Default(schema, typed) as Record<string, unknown>);
}

function convert(schema: TSchema, text: string): unknown {
  const type = (schema as { type?: string }).type;
  if (type === 'integer') return /^-?\d{1,9}$/.test(text) ? Number(text) : undefined;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  return text;
}

function expected(schema: TSchema): string {
  const s = schema as { type?: string; minimum?: number; maximum?: number; enum?: string[] };
  if (s.type === 'integer') return `an integer from ${s.minimum} to ${s.maximum}`;
  if (s.type === 'boolean') return '"true" or "false"';
  if (s.enum) return `one of ${s.enum.join(', ')}`;
  return 'a CPU quantity such as 100m or 2';
}

function invalid(field: string, message: string): BerthError {
  return new BerthError('BERTH_ERR_VALIDATION', message, { field });
}
