package org.provisioning.console.api;

import java.util.Locale;

/**
 * What a caller of the management API may do. Each role includes the ones below it: an admin may do
 * everything an operator may, an operator everything a viewer may.
 */
public enum Role {
  /** Reads everything but secrets; changes nothing. */
  VIEWER,
  /** Also changes the config and leases, acknowledges alerts. */
  OPERATOR,
  /** Also manages users and takes the failover actions. */
  ADMIN;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  /** The role named in lower case ({@code admin}, {@code operator}, {@code viewer}). */
  public static Role parse(String text) {
    if (text != null) {
      for (Role role : values()) {
        if (role.name().equalsIgnoreCase(text.strip())) {
          return role;
        }
      }
    }
    throw new IllegalArgumentException("role '" + text + "' is not one of admin, operator, viewer");
  }

  public String lowerCase() {
    return name().toLowerCase(Locale.ROOT);
  }
}
