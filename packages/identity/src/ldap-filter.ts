/**
 * LDAP search filters from templates. Values are escaped per RFC 4515 §3 (`*`, `(`, `)`, `\` and
 * NUL as `\XX`, plus every other byte outside printable ASCII), so a user name such as `*)(uid=*`
 * matches only an entry literally called that and can never widen the search.
 */

/** RFC 4515 escaping of one assertion value. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const special = byte === 0x2a || byte === 0x28 || byte === 0x29 || byte === 0x5c;
    out +=
      special || byte < 0x20 || byte > 0x7e
        ? `\\${byte.toString(16).padStart(2, '0')}`
        : String.fromCharCode(byte);
  }
  return out;
}

/**
 * Replaces `{name}` placeholders with escaped values; a placeholder with no value is left as is
 * (the config check refuses templates naming unknown placeholders).
 */
export function renderFilter(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : escapeFilterValue(value);
  });
}

/** The attribute a `(attr={username})` filter compares, whose value is the canonical name. */
export function usernameAttribute(template: string): string | undefined {
  return /\(([A-Za-z][\w-]*)=\{username\}\)/.exec(template)?.[1];
}

/** Placeholders a template names. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
