/**
 * Moves every titled schema (Cluster, NodeGroup, Operation, Problem, …) of an OpenAPI document
 * into `components/schemas` and points at it with `$ref`, innermost first. The route schemas
 * inline them (that is what the validators need); the published document stays small and gives
 * generated clients one named type per schema. Pure: returns a new document.
 */
import { canonicalJson } from './idempotency.js';

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hoistTitledSchemas(document: Record<string, Json>): Record<string, Json> {
  const components: Record<string, Json> = {};
  const keyByContent = new Map<string, string>();

  const nameFor = (title: string, schema: Json): string => {
    const content = canonicalJson(schema);
    const known = keyByContent.get(content);
    if (known) return known;
    let name = title.replace(/[^A-Za-z0-9_.-]/g, '');
    for (let n = 2; name in components; n++) name = `${title}${n}`;
    components[name] = schema;
    keyByContent.set(content, name);
    return name;
  };

  const visit = (value: Json, inSchema: boolean): Json => {
    if (Array.isArray(value)) return value.map((v) => visit(v, inSchema));
    if (!isObject(value)) return value;
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(value))
      out[key] = visit(child, inSchema || key === 'schema');
    if (inSchema && typeof out.title === 'string' && (out.type === 'object' || out.properties)) {
      return { $ref: `#/components/schemas/${nameFor(out.title, out)}` };
    }
    return out;
  };

  const paths = visit(document.paths, false);
  const existing = isObject(document.components) ? document.components : {};
  const existingSchemas = isObject(existing.schemas) ? existing.schemas : {};
  return {
    ...document,
    paths,
    components: { ...existing, schemas: { ...existingSchemas, ...components } },
  };
}
