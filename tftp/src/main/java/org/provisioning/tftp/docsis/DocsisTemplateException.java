package org.provisioning.tftp.docsis;

/** A template that cannot be read, or a value that cannot be encoded; says where and why. */
public final class DocsisTemplateException extends Exception {
  public DocsisTemplateException(int line, String message) {
    super(line > 0 ? "line " + line + ": " + message : message);
  }
}
