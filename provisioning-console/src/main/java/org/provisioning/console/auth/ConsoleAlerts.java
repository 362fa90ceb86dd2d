package org.provisioning.console.auth;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/**
 * Every alert the console raises. The object of a lockout is the account ({@code
 * console.users[alice]}), or {@code console.login} for names that are no account.
 */
public final class ConsoleAlerts {
  public static final AlertType LOGIN_LOCKED =
      new AlertType(
          "CONSOLE_LOGIN_LOCKED",
          AlertSeverity.WARNING,
          "console",
          "Repeated failed logins locked a console account for management.login.lockoutMinutes:"
              + " meanwhile even the right password is refused. It clears when the lock ends.",
          "If the account's owner did not mistype, someone is guessing passwords: find the"
              + " source addresses in the log (CONSOLE_LOGIN_FAILED) and block them. An admin"
              + " unlocks the account at once by setting a new password (provisionctl user passwd"
              + " NAME).");

  public static final List<AlertType> ALL = List.of(LOGIN_LOCKED);

  private ConsoleAlerts() {}
}
