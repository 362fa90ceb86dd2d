package org.provisioning.tftp.docsis;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/** Every alert the DOCSIS config files raise; the object is the template's file. */
public final class DocsisAlerts {
  public static final AlertType TEMPLATE_BROKEN =
      new AlertType(
          "TFTP_DOCSIS_TEMPLATE_BROKEN",
          AlertSeverity.WARNING,
          "tftp",
          "A DOCSIS template file changed on disk cannot be read or does not parse. Modems still"
              + " get files built from the last version that parsed (none if no version ever did),"
              + " so the change is not in effect. Cleared when the file parses again.",
          "Fix or restore the file named in the alert; the message and the log"
              + " (TFTP_DOCSIS_TEMPLATE_BROKEN) give the line and the error. provisionctl tftp"
              + " render shows what a modem would get.");

  public static final List<AlertType> ALL = List.of(TEMPLATE_BROKEN);

  private DocsisAlerts() {}
}
