/** Image references as clients write them: `<registry>/<repository>[:<tag>][@<digest>]`. */
import { errors } from '@berth/errors';
import { DIGEST_PATTERN } from './digest.js';

export interface ImageReference {
  /** `host[:port]`. */
  registry: string;
  /** e.g. `default/app`. */
  repository: string;
  /** A tag or a digest; `latest` when neither is written. */
  reference: string;
}

const REPOSITORY =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** @throws BERTH_ERR_VALIDATION when the reference names no registry host or is malformed */
export function parseImageReference(text: string): ImageReference {
  const slash = text.indexOf('/');
  if (slash <= 0) throw errors.invalid('image', `"${text}" names no registry (host:port/…)`);
  const registry = text.slice(0, slash);
  let rest = text.slice(slash + 1);
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(reference)) throw errors.invalid('image', `bad digest in "${text}"`);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
      if (!TAG.test(reference)) throw errors.invalid('image', `bad tag in "${text}"`);
    }
  }
  if (!REPOSITORY.test(rest)) throw errors.invalid('image', `bad repository in "${text}"`);
  return { registry, repository: rest, reference };
}

export function formatImageReference(ref: ImageReference): string {
  const sep = DIGEST_PATTERN.test(ref.reference) ? '@' : ':';
  return `${ref.registry}/${ref.repository}${sep}${ref.reference}`;
}

/** True for a repository name the distribution spec accepts (lower case, `/`-separated). */
export function isRepositoryName(name: string): boolean {
  return name.length <= 255 && REPOSITORY.test(name);
}
