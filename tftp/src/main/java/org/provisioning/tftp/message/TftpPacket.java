package org.provisioning.tftp.message;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One TFTP packet. Block numbers are the 16 bits on the wire (0-65535). */
public sealed interface TftpPacket {

  TftpOpcode opcode();

  /**
   * RRQ or WRQ.
   *
   * @param options RFC 2347 options, names in lower case (they are case-insensitive), in the order
   *     sent
   */
  record Request(boolean write, String filename, TftpMode mode, Map<String, String> options)
      implements TftpPacket {
    public Request {
      Objects.requireNonNull(filename);
      Objects.requireNonNull(mode);
      options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    @Override
    public TftpOpcode opcode() {
      return write ? TftpOpcode.WRQ : TftpOpcode.RRQ;
    }
  }

  /** DATA; {@code data} is not copied, treat it as read-only. */
  record Data(int block, byte[] data) implements TftpPacket {
    @Override
    public TftpOpcode opcode() {
      return TftpOpcode.DATA;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Data other && block == other.block && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return 31 * block + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Data[block=" + block + ", " + data.length + " octets]";
    }
  }

  record Ack(int block) implements TftpPacket {
    @Override
    public TftpOpcode opcode() {
      return TftpOpcode.ACK;
    }
  }

  record Error(TftpErrorCode code, String message) implements TftpPacket {
    @Override
    public TftpOpcode opcode() {
      return TftpOpcode.ERROR;
    }
  }

  /** OACK: the options the server accepts, with the values it grants. */
  record OptionAck(Map<String, String> options) implements TftpPacket {
    public OptionAck {
      options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    @Override
    public TftpOpcode opcode() {
      return TftpOpcode.OACK;
    }
  }
}
