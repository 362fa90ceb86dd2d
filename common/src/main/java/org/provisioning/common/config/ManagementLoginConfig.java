package org.provisioning.common.config;

/**
 * Console logins: how long an idle browser session lives and how failed logins are held back.
 *
 * @param sessionIdleMinutes a session not used for this long is over (default 15)
 * @param maxFailures failed logins in a row after which the account is locked (default 5)
 * @param lockoutMinutes how long a locked account stays locked (default 15)
 */
public record ManagementLoginConfig(
    Integer sessionIdleMinutes, Integer maxFailures, Integer lockoutMinutes) {

  public ManagementLoginConfig {
    sessionIdleMinutes = sessionIdleMinutes == null ? 15 : sessionIdleMinutes;
    maxFailures = maxFailures == null ? 5 : maxFailures;
    lockoutMinutes = lockoutMinutes == null ? 15 : lockoutMinutes;
  }

  public static ManagementLoginConfig defaults() {
    return new ManagementLoginConfig(null, null, null);
  }
}
