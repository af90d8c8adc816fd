/**
 * @berth/identity — who a person is: users and groups from an LDAP / Active Directory directory
 * (`LdapDirectory`, configured by `BERTH_LDAP_*`), and sign-in rate limits.
 */
export type { Directory, DirectoryUser } from './directory.js';
export {
  directoryConfigFromEnv,
  DEFAULT_GROUP_FILTER,
  DEFAULT_USER_FILTER,
  AD_IN_CHAIN,
  type DirectoryConfig,
} from './directory-config.js';
export { escapeFilterValue, renderFilter, usernameAttribute } from './ldap-filter.js';
export { LdapDirectory } from './ldap-directory.js';
export { DEFAULT_SIGN_IN_LIMITS, SignInLimiter, type SignInLimits } from './sign-in-limiter.js';
export {
  clusterAudience,
  ClusterTokenIssuer,
  CLUSTER_TOKEN_ALG,
  DEFAULT_CLUSTER_TOKEN_TTL_MS,
  generateSigningKey,
  type ClusterToken,
} from './cluster-tokens.js';
