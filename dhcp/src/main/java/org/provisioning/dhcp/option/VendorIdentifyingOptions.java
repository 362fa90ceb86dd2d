package org.provisioning.dhcp.option;

import static org.provisioning.dhcp.option.DhcpOptionFormat.BINARY;
import static org.provisioning.dhcp.option.DhcpOptionFormat.IPV4_ADDRESS;
import static org.provisioning.dhcp.option.DhcpOptionFormat.UINT8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provisioning.common.net.Ipv4Address;

/**
 * Option 125, V-I Vendor-Specific Information (RFC 3925 §4), also the layout of option 82
 * sub-option 9 (RFC 4243): blocks of sub-options, each under an enterprise number. CableLabs (4491)
 * puts its DOCSIS sub-options here; their table is {@link #CABLELABS_DEFINITIONS}.
 */
public final class VendorIdentifyingOptions {

  /** IANA private enterprise number of Cable Television Laboratories. */
  public static final long CABLELABS = 4491;

  /** CableLabs sub-option 1: the CableLabs sub-options the device asks for. */
  public static final DhcpSubOptionDefinition CABLELABS_OPTION_REQUEST =
      DhcpSubOptionDefinition.list(1, "OPTION_REQUEST", UINT8);

  /** CableLabs sub-option 2: TFTP servers for the modem's configuration file. */
  public static final DhcpSubOptionDefinition CABLELABS_TFTP_SERVERS =
      DhcpSubOptionDefinition.list(2, "TFTP_SERVERS", IPV4_ADDRESS);

  /** CableLabs sub-option 5: the modem's capabilities, TLV-encoded by DOCSIS. */
  public static final DhcpSubOptionDefinition CABLELABS_MODEM_CAPABILITIES =
      DhcpSubOptionDefinition.single(5, "MODEM_CAPABILITIES", BINARY);

  public static final List<DhcpSubOptionDefinition> CABLELABS_DEFINITIONS =
      List.of(CABLELABS_OPTION_REQUEST, CABLELABS_TFTP_SERVERS, CABLELABS_MODEM_CAPABILITIES);

  private final List<Long> enterprises;
  private final List<SubOptions> blocks;

  private VendorIdentifyingOptions(List<Long> enterprises, List<SubOptions> blocks) {
    this.enterprises = List.copyOf(enterprises);
    this.blocks = List.copyOf(blocks);
  }

  /** The blocks of a raw value; empty if the framing is broken. */
  public static Optional<VendorIdentifyingOptions> parse(byte[] value) {
    if (!DhcpOptionFormat.VENDOR_SUB_OPTIONS.accepts(value, 0, value.length, false, List.of())) {
      return Optional.empty();
    }
    return Optional.of(parseFramed(value, 0, value.length));
  }

  static VendorIdentifyingOptions parseFramed(byte[] b, int off, int len) {
    List<Long> enterprises = new ArrayList<>(1);
    List<SubOptions> blocks = new ArrayList<>(1);
    int i = off;
    int end = off + len;
    while (i < end) {
      enterprises.add(Integer.toUnsignedLong(SubOptions.readInt(b, i)));
      int dataLen = b[i + 4] & 0xff;
      blocks.add(SubOptions.parseFramed(b, i + 5, dataLen));
      i += 5 + dataLen;
    }
    return new VendorIdentifyingOptions(enterprises, blocks);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Enterprise numbers in wire order; one may repeat. */
  public List<Long> enterpriseNumbers() {
    return enterprises;
  }

  /** The sub-options of the first block of that enterprise. */
  public Optional<SubOptions> forEnterprise(long enterpriseNumber) {
    for (int i = 0; i < enterprises.size(); i++) {
      if (enterprises.get(i) == enterpriseNumber) {
        return Optional.of(blocks.get(i));
      }
    }
    return Optional.empty();
  }

  /** The CableLabs block, if the device sent one. */
  public Optional<SubOptions> cableLabs() {
    return forEnterprise(CABLELABS);
  }

  /** The CableLabs sub-options the device requests, as codes of the CableLabs space. */
  public List<Integer> cableLabsOptionRequest() {
    Optional<byte[]> oro =
        cableLabs()
            .filter(s -> !s.isMalformed(CABLELABS_OPTION_REQUEST))
            .flatMap(s -> s.get(CABLELABS_OPTION_REQUEST));
    if (oro.isEmpty()) {
      return List.of();
    }
    Integer[] out = new Integer[oro.get().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = oro.get()[i] & 0xff;
    }
    return List.of(out);
  }

  public List<Ipv4Address> cableLabsTftpServers() {
    return cableLabs().map(s -> s.ipv4Addresses(CABLELABS_TFTP_SERVERS)).orElse(List.of());
  }

  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < blocks.size(); i++) {
      out.writeBytes(DhcpOptions.uint32Bytes(enterprises.get(i)));
      out.write(blocks.get(i).length());
      out.writeBytes(blocks.get(i).toBytes());
    }
    return out.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VendorIdentifyingOptions other
        && enterprises.equals(other.enterprises)
        && blocks.equals(other.blocks);
  }

  @Override
  public int hashCode() {
    return 31 * enterprises.hashCode() + blocks.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < blocks.size(); i++) {
      if (i > 0) {
        s.append(", ");
      }
      s.append("enterprise ").append(enterprises.get(i)).append('=').append(blocks.get(i));
    }
    return s.append('}').toString();
  }

  /** Adds enterprise blocks in order. */
  public static final class Builder {
    private final List<Long> enterprises = new ArrayList<>();
    private final List<SubOptions> blocks = new ArrayList<>();

    private Builder() {}

    /**
     * @throws IllegalArgumentException if the sub-options exceed the 255 octets of a block
     */
    public Builder add(long enterpriseNumber, SubOptions subOptions) {
      if (enterpriseNumber < 0 || enterpriseNumber > 0xffffffffL) {
        throw new IllegalArgumentException("enterprise number " + enterpriseNumber);
      }
      if (subOptions.length() > 255) {
        throw new IllegalArgumentException("an enterprise block holds at most 255 octets");
      }
      enterprises.add(enterpriseNumber);
      blocks.add(subOptions);
      return this;
    }

    public VendorIdentifyingOptions build() {
      return new VendorIdentifyingOptions(enterprises, blocks);
    }
  }
}
