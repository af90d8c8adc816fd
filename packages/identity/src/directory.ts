/** The port the API signs users in through; `LdapDirectory` implements it over LDAP. */

/** A user as the directory knows them now. */
export interface DirectoryUser {
  /** The canonical name (the value of the attribute the user filter compares, e.g. `uid`). */
  username: string;
  dn: string;
  /** Names of every group the user is in, directly or through nested groups, sorted. */
  groups: string[];
}

export interface Directory {
  /**
   * Checks a name and password against the directory. Throws BERTH_ERR_INVALID_CREDENTIALS
   * (unknown user or wrong password — the two are not told apart), BERTH_ERR_ACCOUNT_DISABLED
   * (locked or disabled in the directory) and BERTH_ERR_DIRECTORY_UNAVAILABLE.
   */
  authenticate(username: string, password: string): Promise<DirectoryUser>;
  /**
   * Re-reads a signed-in user without their password (the service account searches), for the
   * periodic group re-check. Throws like `authenticate` when the user is gone or disabled.
   */
  lookup(username: string): Promise<DirectoryUser>;
}
