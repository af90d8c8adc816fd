/**
 * `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` as the Docker registry token spec
 * (docs/spec/auth/token.md in distribution) sends it.
 */
export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
  error?: string;
}

/** The Bearer challenge of a header, or undefined when there is none. */
export function parseBearerChallenge(
  header: string | null | undefined,
): BearerChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const m of match[1]!.matchAll(/([A-Za-z_]+)="((?:[^"\\]|\\.)*)"/g))
    params[m[1]!.toLowerCase()] = m[2]!.replace(/\\(.)/g, '$1');
  if (!params.realm) return undefined;
  const out: BearerChallenge = { realm: params.realm };
  if (params.service !== undefined) out.service = params.service;
  if (params.scope !== undefined) out.scope = params.scope;
  if (params.error !== undefined) out.error = params.error;
  return out;
}
