package org.provisioning.tftp.docsis;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns TLVs into the octets of a CM config file (DOCSIS MULPI Annex D): the TLVs in order, the CM
 * MIC (TLV 6: MD5 over every octet before it), the CMTS MIC (TLV 7: HMAC-MD5 keyed by the CMTS
 * shared secret over the TLVs of {@link #CMTS_MIC_ORDER}, type by type in that order and, within a
 * type, in file order, the CM MIC included), the end-of-data marker (255) and pad octets (0) to a
 * multiple of four.
 */
public final class DocsisConfigEncoder {
  /**
   * The TLV types the CMTS MIC covers, in the order Annex D.2.1 of the DOCSIS RFI 2.0 and MULPI 3.0
   * specifications lists them (the order the {@code docsis} encoder and CMTSes use): downstream
   * frequency, upstream channel, network access, class of service, baseline privacy, vendor
   * specific, CM MIC, max CPE, TFTP timestamp, TFTP modem address, upstream and downstream
   * classifiers, upstream and downstream service flows, max classifiers, privacy enable, PHS,
   * subscriber management control, CPE IP table and filter groups, test modes.
   */
  public static final List<Integer> CMTS_MIC_ORDER =
      List.of(1, 2, 3, 4, 17, 43, 6, 18, 19, 20, 22, 23, 24, 25, 28, 29, 26, 35, 36, 37, 40);

  private DocsisConfigEncoder() {}

  /**
   * @param sharedSecret the CMTS MIC key; null leaves TLV 7 out
   */
  public static byte[] encode(List<DocsisTlv> tlvs, byte[] sharedSecret) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    for (DocsisTlv tlv : tlvs) {
      write(out, tlv.type(), tlv.value());
    }
    byte[] cmMic = md5(out.toByteArray());
    write(out, DocsisSettings.CM_MIC, cmMic);
    if (sharedSecret != null) {
      ByteArrayOutputStream covered = new ByteArrayOutputStream(1024);
      for (int type : CMTS_MIC_ORDER) {
        if (type == DocsisSettings.CM_MIC) {
          write(covered, type, cmMic);
          continue;
        }
        for (DocsisTlv tlv : tlvs) {
          if (tlv.type() == type) {
            write(covered, tlv.type(), tlv.value());
          }
        }
      }
      write(out, DocsisSettings.CMTS_MIC, hmacMd5(sharedSecret, covered.toByteArray()));
    }
    out.write(DocsisSettings.END);
    while (out.size() % 4 != 0) {
      out.write(DocsisSettings.PAD);
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, int type, byte[] value) {
    out.write(type);
    out.write(value.length);
    out.writeBytes(value);
  }

  static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("every JVM has MD5", e);
    }
  }

  static byte[] hmacMd5(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacMD5");
      mac.init(new SecretKeySpec(key, "HmacMD5"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("every JVM has HmacMD5", e);
    }
  }
}
