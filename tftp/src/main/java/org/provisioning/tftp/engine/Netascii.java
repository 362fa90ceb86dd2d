package org.provisioning.tftp.engine;

import java.io.ByteArrayOutputStream;

/**
 * RFC 1350 netascii (RFC 764's NVT ASCII): a line ends in CR LF and a bare CR is sent as CR NUL.
 * Files here end lines in LF, so LF becomes CR LF; a CR LF already there is kept as it is. An
 * upload is decoded block by block ({@link Decoder}).
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

  /**
   * Decodes an upload as its blocks come: CR LF becomes LF and CR NUL a CR. A CR that ends a block
   * waits for the next one's first octet; a CR before anything else is kept as sent (netascii does
   * not allow it, clients send it all the same).
   */
  public static final class Decoder {
    private boolean pendingCr;

    public byte[] decode(byte[] wire) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(wire.length + 1);
      for (byte b : wire) {
        if (pendingCr) {
          pendingCr = false;
          if (b == '\n') {
            out.write('\n');
            continue;
          }
          out.write('\r');
          if (b == 0) {
            continue;
          }
        }
        if (b == '\r') {
          pendingCr = true;
        } else {
          out.write(b);
        }
      }
      return out.toByteArray();
    }

    /** What the end of the upload leaves: a CR that was its last octet. */
    public byte[] finish() {
      byte[] rest = pendingCr ? new byte[] {'\r'} : new byte[0];
      pendingCr = false;
      return rest;
    }
  }
}
