/**
 * Small schema builders shared by every resource. They emit plain JSON Schema that both AJV
 * (the API's validator) and @fastify/swagger (the OpenAPI document) understand.
 */
import {
  Type,
  type TUnsafe,
  type TSchema,
  type TObject,
  type TProperties,
} from '@sinclair/typebox';

/**
 * A string union as `{type: string, enum: [...]}` rather than `anyOf` of literals, so a bad value
 * yields one clear validation error ("must be one of …") at the field's own path.
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** An integer union such as the control-plane sizes 1 | 3 | 5, as `{type: integer, enum}`. */
export function IntegerEnum<const T extends readonly number[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'integer', enum: [...values], ...options });
}

/** A closed object: unknown fields are rejected, never silently dropped. */
export function Closed<T extends TProperties>(
  properties: T,
  options: { description?: string; title?: string } = {},
): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** Lower-case DNS label (RFC 1123) of at most `max` characters. */
export function DnsLabel(max: number, description: string): TSchema & { static: string } {
  return Type.String({
    minLength: 1,
    maxLength: max,
    pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
    description: `${description} Lower-case letters, digits and '-', starting with a letter, at most ${max} characters.`,
  });
}

/**
 * Free text without control characters (PostgreSQL text cannot hold NUL, and no name or
 * description needs a control character).
 */
export const NO_CONTROL_CHARS = '^[^\\u0000-\\u001f\\u007f]*$';

/** RFC 3339 timestamp as produced by `Date#toISOString()`. */
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp' });

/** Kubernetes-style label key: optional DNS prefix and '/', then a name of at most 63 characters. */
export const LabelKeyPattern =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';

/** Label values: at most 63 characters of letters, digits, '-', '_' and '.' (may be empty). */
export const LabelValuePattern = '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$';

/** A map of labels with Kubernetes' key and value rules, at most 64 entries. */
export const Labels = Type.Record(
  Type.String({ pattern: LabelKeyPattern }),
  Type.String({ pattern: LabelValuePattern }),
  {
    maxProperties: 64,
    additionalProperties: false,
    description: 'Key/value labels (Kubernetes rules for keys and values), at most 64.',
  },
);
export type Labels = Record<string, string>;

/** Dotted-quad IPv4 CIDR such as `10.0.0.0/24` (host bits are checked by the semantic validator). */
export const Ipv4Cidr = Type.String({
  pattern:
    '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$',
  description: 'IPv4 CIDR, e.g. 10.0.0.0/24',
});
