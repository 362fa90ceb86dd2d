package org.provisioning.tftp.docsis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Prints a binary config file as template text, for an operator to read what a modem gets: named
 * settings by the table of {@link DocsisSettings}, SNMP objects as {@code SnmpMibObject}, anything
 * else as {@code GenericTLV}, the MICs and the end marker as comments. Reading the text back with
 * {@link DocsisTemplate} gives the same TLVs.
 */
public final class DocsisConfigDecoder {
  private DocsisConfigDecoder() {}

  public static String toText(byte[] file) {
    StringBuilder out = new StringBuilder("Main\n{\n");
    int i = 0;
    while (i < file.length) {
      int type = file[i] & 0xff;
      if (type == DocsisSettings.PAD) {
        i++;
        continue;
      }
      if (type == DocsisSettings.END) {
        out.append("\t/* EndOfDataMkr */\n");
        break;
      }
      if (i + 1 >= file.length || i + 2 + (file[i + 1] & 0xff) > file.length) {
        out.append("\t/* truncated TLV ")
            .append(type)
            .append(" at octet ")
            .append(i)
            .append(" */\n");
        break;
      }
      int length = file[i + 1] & 0xff;
      byte[] value = java.util.Arrays.copyOfRange(file, i + 2, i + 2 + length);
      if (type == DocsisSettings.CM_MIC || type == DocsisSettings.CMTS_MIC) {
        out.append("\t/* ")
            .append(type == DocsisSettings.CM_MIC ? "CmMic " : "CmtsMic ")
            .append(HexFormat.of().formatHex(value))
            .append("; */\n");
      } else {
        setting(out, 1, DocsisSettings.MAIN, type, value);
      }
      i += 2 + length;
    }
    return out.append("}\n").toString();
  }

  private static void setting(
      StringBuilder out, int depth, DocsisSetting parent, int type, byte[] value) {
    String indent = "\t".repeat(depth);
    DocsisSetting setting = parent.child(type);
    if (parent == DocsisSettings.MAIN && type == DocsisSettings.SNMP_MIB_OBJECT) {
      String snmp = snmp(value);
      if (snmp != null) {
        out.append(indent).append("SnmpMibObject ").append(snmp).append(";\n");
        return;
      }
    }
    if ((setting == null || !fits(setting, value)) && value.length == 0) {
      out.append(indent).append("GenericTLV TlvCode ").append(type).append(" TlvString \"\";\n");
      return;
    }
    if (setting == null || !fits(setting, value)) {
      out.append(indent)
          .append("GenericTLV TlvCode ")
          .append(type)
          .append(" TlvLength ")
          .append(value.length)
          .append(" TlvValue ")
          .append("0x")
          .append(HexFormat.of().formatHex(value))
          .append(";\n");
      return;
    }
    out.append(indent).append(setting.name());
    if (setting.type() == DocsisValueType.AGGREGATE) {
      out.append("\n").append(indent).append("{\n");
      for (int i = 0; i < value.length; ) {
        int length = value[i + 1] & 0xff;
        setting(
            out,
            depth + 1,
            setting,
            value[i] & 0xff,
            java.util.Arrays.copyOfRange(value, i + 2, i + 2 + length));
        i += 2 + length;
      }
      out.append(indent).append("}\n");
      return;
    }
    out.append(' ').append(scalar(setting, value)).append(";\n");
  }

  /** Whether the value has the shape its setting needs (a sub-TLV walk must end exactly). */
  private static boolean fits(DocsisSetting setting, byte[] value) {
    return switch (setting.type()) {
      case UINT8 -> value.length == 1;
      case UINT16 -> value.length == 2;
      case UINT32, IP -> value.length == 4;
      case ETHER -> value.length == 6;
      case HEX -> setting.length() == 0 ? value.length > 0 : value.length == setting.length();
      case STRING -> printable(value, value.length);
      case STRZERO ->
          value.length > 0 && value[value.length - 1] == 0 && printable(value, value.length - 1);
      case AGGREGATE -> {
        int i = 0;
        while (i + 2 <= value.length) {
          i += 2 + (value[i + 1] & 0xff);
        }
        yield i == value.length;
      }
    };
  }

  private static boolean printable(byte[] value, int length) {
    for (int i = 0; i < length; i++) {
      if (value[i] < 0x20 || value[i] == '"' || value[i] == '\\' || value[i] == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String scalar(DocsisSetting setting, byte[] value) {
    return switch (setting.type()) {
      case UINT8, UINT16, UINT32 -> Long.toString(new BigInteger(1, value).longValue());
      case IP ->
          (value[0] & 0xff)
              + "."
              + (value[1] & 0xff)
              + "."
              + (value[2] & 0xff)
              + "."
              + (value[3] & 0xff);
      case ETHER -> HexFormat.ofDelimiter(":").formatHex(value);
      case HEX -> "0x" + HexFormat.of().formatHex(value);
      case STRING -> "\"" + new String(value, StandardCharsets.UTF_8) + "\"";
      case STRZERO -> "\"" + new String(value, 0, value.length - 1, StandardCharsets.UTF_8) + "\"";
      case AGGREGATE -> throw new IllegalArgumentException("an aggregate has no scalar value");
    };
  }

  /** {@code OID Type value} of a VarBind, or null when it is not one this prints. */
  private static String snmp(byte[] v) {
    try {
      Ber seq = Ber.read(v, 0);
      if (seq.tag != 0x30 || seq.end != v.length) {
        return null;
      }
      Ber name = Ber.read(v, seq.start);
      Ber val = Ber.read(v, name.end);
      if (name.tag != 0x06 || val.end != seq.end) {
        return null;
      }
      byte[] content = java.util.Arrays.copyOfRange(v, val.start, val.end);
      String typed =
          switch (val.tag) {
            case 0x02 -> "Integer " + new BigInteger(content);
            case 0x42 -> "Gauge32 " + new BigInteger(1, content);
            case 0x41 -> "Counter32 " + new BigInteger(1, content);
            case 0x43 -> "TimeTicks " + new BigInteger(1, content);
            case 0x40 -> content.length == 4 ? "IPAddress " + ip(content) : null;
            case 0x06 -> "ObjectID " + oid(content);
            case 0x04 ->
                printable(content, content.length)
                    ? "String \"" + new String(content, StandardCharsets.UTF_8) + "\""
                    : "HexString 0x" + HexFormat.of().formatHex(content);
            default -> null;
          };
      return typed == null
          ? null
          : oid(java.util.Arrays.copyOfRange(v, name.start, name.end)) + " " + typed;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String ip(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  private static String oid(byte[] content) {
    StringBuilder out = new StringBuilder();
    long arc = 0;
    boolean first = true;
    for (byte b : content) {
      arc = (arc << 7) | (b & 0x7f);
      if ((b & 0x80) == 0) {
        if (first) {
          long x = Math.min(arc / 40, 2);
          out.append('.').append(x).append('.').append(arc - 40 * x);
          first = false;
        } else {
          out.append('.').append(arc);
        }
        arc = 0;
      }
    }
    return out.toString();
  }

  private record Ber(int tag, int start, int end) {
    static Ber read(byte[] v, int at) {
      int tag = v[at] & 0xff;
      int length = v[at + 1] & 0xff;
      int start = at + 2;
      if (length == 0x81) {
        length = v[at + 2] & 0xff;
        start = at + 3;
      } else if (length == 0x82) {
        length = (v[at + 2] & 0xff) << 8 | (v[at + 3] & 0xff);
        start = at + 4;
      } else if (length > 0x80) {
        throw new IllegalArgumentException("BER length form");
      }
      if (start + length > v.length) {
        throw new IllegalArgumentException("BER overrun");
      }
      return new Ber(tag, start, start + length);
    }
  }
}
