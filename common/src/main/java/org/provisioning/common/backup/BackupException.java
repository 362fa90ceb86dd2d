package org.provisioning.common.backup;

/** A backup file that cannot be restored, with why, in words an operator can act on. */
public final class BackupException extends Exception {
  private static final long serialVersionUID = 1L;

  public BackupException(String message) {
    super(message);
  }
}
