package org.provisioning.tftp.engine;

import java.io.ByteArrayOutputStream;

/**
 * RFC 1350 netascii (RFC 764's NVT ASCII): a line ends in CR LF and a bare CR is sent as CR NUL.
 * Files here end lines in LF, so LF becomes CR LF; a CR LF already there is kept as it is.
 */
public final class Netascii {
  private Netascii() {}

  public static byte[] encode(byte[] local) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(local.length + local.length / 16 + 16);
    for (int i = 0; i < local.length; i++) {
      byte b = local[i];
      if (b == '\n') {
        out.write('\r');
        out.write('\n');
      } else if (b == '\r') {
        out.write('\r');
        if (i + 1 < local.length && local[i + 1] == '\n') {
          out.write('\n');
          i++;
        } else {
          out.write(0);
        }
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }
}
