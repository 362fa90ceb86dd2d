package org.provisioning.dhcp.option;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.provisioning.common.net.Ipv4Address;

/**
 * The options of one message: an immutable, ordered collection keyed by {@link DhcpOptionCode}, one
 * value per code. Values live in one backing array indexed by a small int array, so a decoded
 * message costs a handful of allocations however many options it carries.
 *
 * <p>Malformed values are graded, not thrown (Kea's rule): an option whose value does not fit its
 * {@link DhcpOptionDefinition} (a 3-octet subnet mask, a broken sub-option framing) stays in the
 * collection raw, so it can be logged, counted and echoed, but {@link #isMalformed} reports it and
 * every typed accessor treats it as absent. Unknown codes are kept raw and round-trip.
 *
 * <p>Order: a collection built by {@link Builder} is kept in the canonical order for replies, 53
 * first, 54 next, then ascending codes, 82 last (RFC 3046 §2.1); one decoded from the wire keeps
 * the received order so that decoding and encoding again reproduces the packet.
 */
public final class DhcpOptions {

  /** Flag bit stored beside the code in {@link #entries}. */
  private static final int MALFORMED = 1 << 8;

  private static final int CODE_MASK = 0xff;
  private static final DhcpOptions EMPTY = new DhcpOptions(new byte[0], new int[0], 0, false);

  private final byte[] data;

  /** Triples (code | flags, value offset in {@link #data}, value length), in collection order. */
  private final int[] entries;

  private final int count;
  private final boolean receivedOrder;

  private DhcpOptions(byte[] data, int[] entries, int count, boolean receivedOrder) {
    this.data = data;
    this.entries = entries;
    this.count = count;
    this.receivedOrder = receivedOrder;
  }

  public static DhcpOptions empty() {
    return EMPTY;
  }

  /** A builder for reply options; {@link Builder#build()} sorts into the canonical order. */
  public static Builder builder() {
    return new Builder(64, 16, false);
  }

  /**
   * A builder that keeps options in the order they are first added and joins repeated codes (RFC
   * 3396 §7): what a decoder needs to reproduce the received packet.
   *
   * @param capacityHint octets of values expected, to size the backing array once
   */
  public static Builder receivedOrderBuilder(int capacityHint) {
    // A request has a handful of options: about one per 8 octets of the options area, at least 8.
    return new Builder(Math.max(capacityHint, 16), Math.max(capacityHint / 8, 8), true);
  }

  /** A builder holding these options, keeping their ordering rule. */
  public Builder toBuilder() {
    // Room for a few more: the usual next step is adding the options of one client.
    Builder b = new Builder(Math.max(dataLength(), 16) + 32, count + 4, receivedOrder);
    for (int i = 0; i < count; i++) {
      b.append(DhcpOptionCode.of(entries[3 * i] & CODE_MASK), data, offsetAt(i), lengthAt(i));
    }
    return b;
  }

  /**
   * These options with {@code code} copied unchanged from {@code from} (replacing ours, if any),
   * placed where canonical order puts it (last, in received order): a reply's echo of option 61 or
   * 82 (RFC 6842, RFC 3046) as one copy of the arrays, without a builder. Returns these options
   * when {@code from} lacks it.
   */
  public DhcpOptions withCopyOf(DhcpOptionCode code, DhcpOptions from) {
    int source = from.indexOf(code);
    if (source < 0) {
      return this;
    }
    int c = code.code();
    int length = from.lengthAt(source);
    int ours = indexOf(code);
    int kept = ours < 0 ? count : count - 1;
    byte[] copied = new byte[dataLength() - (ours < 0 ? 0 : lengthAt(ours)) + length];
    int[] copiedEntries = new int[3 * (kept + 1)];
    int o = 0;
    int n = 0;
    boolean placed = false;
    for (int i = 0; i <= count; i++) {
      if (!placed
          && (i == count
              || (!receivedOrder && i != ours && rank(entries[3 * i] & CODE_MASK) > rank(c)))) {
        System.arraycopy(from.data, from.offsetAt(source), copied, o, length);
        boolean ok = DhcpOptionDefinition.wellFormed(c, copied, o, length);
        copiedEntries[3 * n] = ok ? c : c | MALFORMED;
        copiedEntries[3 * n + 1] = o;
        copiedEntries[3 * n + 2] = length;
        o += length;
        n++;
        placed = true;
      }
      if (i == count || i == ours) {
        continue;
      }
      System.arraycopy(data, offsetAt(i), copied, o, lengthAt(i));
      copiedEntries[3 * n] = entries[3 * i];
      copiedEntries[3 * n + 1] = o;
      copiedEntries[3 * n + 2] = lengthAt(i);
      o += lengthAt(i);
      n++;
    }
    return new DhcpOptions(copied, copiedEntries, n, receivedOrder);
  }

  private int dataLength() {
    int n = 0;
    for (int i = 0; i < count; i++) {
      n += lengthAt(i);
    }
    return n;
  }

  // ---------------------------------------------------------------- positional access (encoders)

  public int size() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The position of a code in collection order, or -1. */
  public int indexOf(DhcpOptionCode code) {
    int c = code.code();
    for (int i = 0; i < count; i++) {
      if ((entries[3 * i] & CODE_MASK) == c) {
        return i;
      }
    }
    return -1;
  }

  public DhcpOptionCode codeAt(int position) {
    checkPosition(position);
    return DhcpOptionCode.of(entries[3 * position] & CODE_MASK);
  }

  /** Length of the value at a position; may exceed 255 (RFC 3396 joined it). */
  public int valueLength(int position) {
    checkPosition(position);
    return lengthAt(position);
  }

  /**
   * Copies part of the value at a position into {@code dst} without allocating: the encoder's way
   * to write values and split long ones.
   */
  public void copyValue(int position, int from, byte[] dst, int dstOffset, int length) {
    checkPosition(position);
    if (from < 0 || length < 0 || from + length > lengthAt(position)) {
      throw new IndexOutOfBoundsException("value range " + from + "+" + length);
    }
    System.arraycopy(data, offsetAt(position) + from, dst, dstOffset, length);
  }

  private void checkPosition(int position) {
    if (position < 0 || position >= count) {
      throw new IndexOutOfBoundsException(position);
    }
  }

  private int offsetAt(int i) {
    return entries[3 * i + 1];
  }

  private int lengthAt(int i) {
    return entries[3 * i + 2];
  }

  // ---------------------------------------------------------------- raw access

  public boolean contains(DhcpOptionCode code) {
    return indexOf(code) >= 0;
  }

  /** Codes in collection order. */
  public List<DhcpOptionCode> codes() {
    DhcpOptionCode[] out = new DhcpOptionCode[count];
    for (int i = 0; i < count; i++) {
      out[i] = DhcpOptionCode.of(entries[3 * i] & CODE_MASK);
    }
    return List.of(out);
  }

  /** A copy of the raw value, well-formed or not; the way to echo or forward an option. */
  public Optional<byte[]> raw(DhcpOptionCode code) {
    int i = indexOf(code);
    if (i < 0) {
      return Optional.empty();
    }
    return Optional.of(Arrays.copyOfRange(data, offsetAt(i), offsetAt(i) + lengthAt(i)));
  }

  /** Whether the option is present but its value does not fit its definition. */
  public boolean isMalformed(DhcpOptionCode code) {
    int i = indexOf(code);
    return i >= 0 && (entries[3 * i] & MALFORMED) != 0;
  }

  /** The codes whose values do not fit their definition, for logs and statistics. */
  public List<DhcpOptionCode> malformedCodes() {
    List<DhcpOptionCode> out = new ArrayList<>(0);
    for (int i = 0; i < count; i++) {
      if ((entries[3 * i] & MALFORMED) != 0) {
        out.add(DhcpOptionCode.of(entries[3 * i] & CODE_MASK));
      }
    }
    return out;
  }

  /** The position of a present, well-formed option, or -1. */
  private int usable(DhcpOptionCode code) {
    int i = indexOf(code);
    return i >= 0 && (entries[3 * i] & MALFORMED) == 0 ? i : -1;
  }

  /** The position of a present, well-formed option whose value has exactly {@code len} octets. */
  private int usable(DhcpOptionCode code, int len) {
    int i = usable(code);
    return i >= 0 && lengthAt(i) == len ? i : -1;
  }

  // ---------------------------------------------------------------- typed access by code

  public Optional<Ipv4Address> ipv4Address(DhcpOptionCode code) {
    int i = usable(code, 4);
    return i < 0
        ? Optional.empty()
        : Optional.of(new Ipv4Address(SubOptions.readInt(data, offsetAt(i))));
  }

  /** The addresses of a list option; empty if absent or malformed. */
  public List<Ipv4Address> ipv4Addresses(DhcpOptionCode code) {
    int i = usable(code);
    if (i < 0 || lengthAt(i) == 0 || lengthAt(i) % 4 != 0) {
      return List.of();
    }
    return SubOptions.addresses(data, offsetAt(i), lengthAt(i));
  }

  public OptionalInt uint8(DhcpOptionCode code) {
    int value = uint8OrElse(code, -1);
    return value < 0 ? OptionalInt.empty() : OptionalInt.of(value);
  }

  /** The option's octet, or {@code absent} if it is missing or not one octet; nothing allocated. */
  public int uint8OrElse(DhcpOptionCode code, int absent) {
    int i = usable(code, 1);
    return i < 0 ? absent : data[offsetAt(i)] & 0xff;
  }

  public OptionalInt uint16(DhcpOptionCode code) {
    int i = usable(code, 2);
    if (i < 0) {
      return OptionalInt.empty();
    }
    int at = offsetAt(i);
    return OptionalInt.of((data[at] & 0xff) << 8 | (data[at + 1] & 0xff));
  }

  public OptionalLong uint32(DhcpOptionCode code) {
    int i = usable(code, 4);
    return i < 0
        ? OptionalLong.empty()
        : OptionalLong.of(Integer.toUnsignedLong(SubOptions.readInt(data, offsetAt(i))));
  }

  public OptionalInt int32(DhcpOptionCode code) {
    int i = usable(code, 4);
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(SubOptions.readInt(data, offsetAt(i)));
  }

  /**
   * The value as text. Octets map one-to-one to chars (ISO-8859-1), so nothing is lost; trailing
   * NULs, which RFC 2132 §2 forbids but some clients send, are cut.
   */
  public Optional<String> string(DhcpOptionCode code) {
    int i = usable(code);
    if (i < 0 || lengthAt(i) == 0) {
      return Optional.empty();
    }
    return Optional.of(SubOptions.text(data, offsetAt(i), lengthAt(i)));
  }

  /** The encapsulated sub-options of the option; empty if absent or not well framed. */
  public Optional<SubOptions> subOptions(DhcpOptionCode code) {
    int i = usable(code);
    if (i < 0) {
      return Optional.empty();
    }
    return SubOptions.parse(data, offsetAt(i), lengthAt(i));
  }

  // ---------------------------------------------------------------- typed access, RFC 2132 and on

  public Optional<Ipv4Address> subnetMask() {
    return ipv4Address(DhcpOptionCode.SUBNET_MASK);
  }

  /** Seconds east of UTC; signed (RFC 2132 §3.4). */
  public OptionalInt timeOffset() {
    return int32(DhcpOptionCode.TIME_OFFSET);
  }

  public List<Ipv4Address> routers() {
    return ipv4Addresses(DhcpOptionCode.ROUTER);
  }

  public List<Ipv4Address> timeServers() {
    return ipv4Addresses(DhcpOptionCode.TIME_SERVER);
  }

  public List<Ipv4Address> domainNameServers() {
    return ipv4Addresses(DhcpOptionCode.DOMAIN_NAME_SERVER);
  }

  public List<Ipv4Address> logServers() {
    return ipv4Addresses(DhcpOptionCode.LOG_SERVER);
  }

  public Optional<String> hostName() {
    return string(DhcpOptionCode.HOST_NAME);
  }

  public Optional<String> domainName() {
    return string(DhcpOptionCode.DOMAIN_NAME);
  }

  public Optional<Ipv4Address> broadcastAddress() {
    return ipv4Address(DhcpOptionCode.BROADCAST_ADDRESS);
  }

  public List<Ipv4Address> ntpServers() {
    return ipv4Addresses(DhcpOptionCode.NTP_SERVERS);
  }

  /** Option 50, the address a client asks for in DISCOVER or REQUEST (RFC 2131 §4.3.2). */
  public Optional<Ipv4Address> requestedIpAddress() {
    return ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS);
  }

  /** Seconds; 0xffffffff means infinite (RFC 2132 §9.2). */
  public OptionalLong leaseTime() {
    return uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME);
  }

  /** Option 52 as received: 1 file, 2 sname, 3 both (RFC 2132 §9.3). */
  public OptionalInt overload() {
    OptionalInt v = uint8(DhcpOptionCode.OPTION_OVERLOAD);
    return v.isPresent() && v.getAsInt() >= 1 && v.getAsInt() <= 3 ? v : OptionalInt.empty();
  }

  public Optional<Ipv4Address> serverIdentifier() {
    return ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER);
  }

  /** The options a client asks for, in its order of preference (RFC 2132 §9.8). */
  public List<DhcpOptionCode> parameterRequestList() {
    int i = usable(DhcpOptionCode.PARAMETER_REQUEST_LIST);
    if (i < 0) {
      return List.of();
    }
    int n = lengthAt(i);
    DhcpOptionCode[] out = new DhcpOptionCode[n];
    for (int k = 0; k < n; k++) {
      out[k] = DhcpOptionCode.of(data[offsetAt(i) + k] & 0xff);
    }
    return List.of(out);
  }

  public Optional<String> message() {
    return string(DhcpOptionCode.MESSAGE);
  }

  /**
   * Option 57 as sent. RFC 2132 §9.10 sets 576 as the least legal value; the encoder treats a
   * smaller one as 576 rather than trusting it.
   */
  public OptionalInt maxMessageSize() {
    return uint16(DhcpOptionCode.MAXIMUM_MESSAGE_SIZE);
  }

  /** T1, seconds. */
  public OptionalLong renewalTime() {
    return uint32(DhcpOptionCode.RENEWAL_TIME);
  }

  /** T2, seconds. */
  public OptionalLong rebindingTime() {
    return uint32(DhcpOptionCode.REBINDING_TIME);
  }

  /** Option 60, e.g. {@code docsis3.0:...} from a cable modem, {@code pktc1.0} from an eMTA. */
  public Optional<String> vendorClassIdentifier() {
    return string(DhcpOptionCode.VENDOR_CLASS_IDENTIFIER);
  }

  public Optional<ClientIdentifier> clientIdentifier() {
    int i = usable(DhcpOptionCode.CLIENT_IDENTIFIER);
    if (i < 0) {
      return Optional.empty();
    }
    return Optional.of(ClientIdentifier.of(data, offsetAt(i), lengthAt(i)));
  }

  public Optional<String> tftpServerName() {
    return string(DhcpOptionCode.TFTP_SERVER_NAME);
  }

  public Optional<String> bootfileName() {
    return string(DhcpOptionCode.BOOTFILE_NAME);
  }

  public Optional<ClientFqdn> clientFqdn() {
    int i = usable(DhcpOptionCode.CLIENT_FQDN);
    if (i < 0) {
      return Optional.empty();
    }
    return ClientFqdn.parse(data, offsetAt(i), lengthAt(i));
  }

  public Optional<RelayAgentInformation> relayAgentInformation() {
    return subOptions(DhcpOptionCode.RELAY_AGENT_INFORMATION).map(RelayAgentInformation::new);
  }

  /** Option 118, the subnet a client (or relay) selects (RFC 3011). */
  public Optional<Ipv4Address> subnetSelection() {
    return ipv4Address(DhcpOptionCode.SUBNET_SELECTION);
  }

  /**
   * Option 43 read as the CableLabs device information a DOCSIS device sends. Only meaningful when
   * option 60 names a CableLabs device; the caller decides that.
   */
  public Optional<DocsisDeviceInformation> docsisDeviceInformation() {
    return subOptions(DhcpOptionCode.VENDOR_SPECIFIC_INFORMATION).map(DocsisDeviceInformation::new);
  }

  public Optional<CableLabsClientConfiguration> cableLabsClientConfiguration() {
    return subOptions(DhcpOptionCode.CABLELABS_CLIENT_CONFIGURATION)
        .map(CableLabsClientConfiguration::new);
  }

  /** Option 124 (RFC 3925 §3). */
  public List<VendorClass> vendorClasses() {
    int i = usable(DhcpOptionCode.V_I_VENDOR_CLASS);
    if (i < 0) {
      return List.of();
    }
    return VendorClass.parseFramed(data, offsetAt(i), lengthAt(i));
  }

  /** Option 125 (RFC 3925 §4). */
  public Optional<VendorIdentifyingOptions> vendorIdentifyingOptions() {
    int i = usable(DhcpOptionCode.V_I_VENDOR_SPECIFIC_INFORMATION);
    if (i < 0) {
      return Optional.empty();
    }
    return Optional.of(VendorIdentifyingOptions.parseFramed(data, offsetAt(i), lengthAt(i)));
  }

  // ---------------------------------------------------------------- value semantics

  /** Equal when the same codes carry the same values in the same order. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DhcpOptions other) || other.count != count) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      if ((entries[3 * i] & CODE_MASK) != (other.entries[3 * i] & CODE_MASK)
          || !Arrays.equals(
              data,
              offsetAt(i),
              offsetAt(i) + lengthAt(i),
              other.data,
              other.offsetAt(i),
              other.offsetAt(i) + other.lengthAt(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < count; i++) {
      h = 31 * h + (entries[3 * i] & CODE_MASK);
      for (int k = offsetAt(i), end = k + lengthAt(i); k < end; k++) {
        h = 31 * h + data[k];
      }
    }
    return h;
  }

  /** {@code {DHCP_MESSAGE_TYPE(53)=01, SUBNET_MASK(1)=ffffff!}}; {@code !} marks malformed. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        s.append(", ");
      }
      s.append(DhcpOptionCode.of(entries[3 * i] & CODE_MASK))
          .append('=')
          .append(hex.formatHex(data, offsetAt(i), offsetAt(i) + lengthAt(i)));
      if ((entries[3 * i] & MALFORMED) != 0) {
        s.append('!');
      }
    }
    return s.append('}').toString();
  }

  // ---------------------------------------------------------------- value encodings

  static byte[] uint8Bytes(int value) {
    if (value < 0 || value > 0xff) {
      throw new IllegalArgumentException(value + " does not fit in an unsigned octet");
    }
    return new byte[] {(byte) value};
  }

  static byte[] uint16Bytes(int value) {
    if (value < 0 || value > 0xffff) {
      throw new IllegalArgumentException(value + " does not fit in 16 unsigned bits");
    }
    return new byte[] {(byte) (value >>> 8), (byte) value};
  }

  static byte[] uint32Bytes(long value) {
    if (value < 0 || value > 0xffffffffL) {
      throw new IllegalArgumentException(value + " does not fit in 32 unsigned bits");
    }
    return int32Bytes((int) value);
  }

  static byte[] int32Bytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static byte[] addressBytes(List<Ipv4Address> addresses) {
    byte[] out = new byte[4 * addresses.size()];
    for (int i = 0; i < addresses.size(); i++) {
      int v = addresses.get(i).value();
      out[4 * i] = (byte) (v >>> 24);
      out[4 * i + 1] = (byte) (v >>> 16);
      out[4 * i + 2] = (byte) (v >>> 8);
      out[4 * i + 3] = (byte) v;
    }
    return out;
  }

  /** Canonical position: 53, 54, ascending codes, 82 last. */
  private static int rank(int code) {
    if (code == 53) {
      return -2;
    }
    if (code == 54) {
      return -1;
    }
    return code == 82 ? 256 : code;
  }

  // ---------------------------------------------------------------- builder

  /**
   * Collects options. Setting a code again replaces its value; {@link #append} joins instead, as
   * RFC 3396 requires when a decoder meets the same code twice. Pad and end are framing and cannot
   * be set.
   */
  public static final class Builder {
    private byte[] data;
    private int dataLength;
    private int[] entries;
    private int count;
    private int garbage;
    private final boolean receivedOrder;

    /** Arrays handed to a built collection; copied before the next change. */
    private boolean shared;

    private Builder(int capacity, int entryCapacity, boolean receivedOrder) {
      this.data = new byte[capacity];
      this.entries = new int[3 * entryCapacity];
      this.receivedOrder = receivedOrder;
    }

    /**
     * Appends octets to a code's value, creating it if absent (RFC 3396 §7: instances of one code
     * are joined in the order met).
     */
    public Builder append(DhcpOptionCode code, byte[] src, int off, int len) {
      checkSettable(code);
      beforeChange();
      int e = find(code.code());
      if (e < 0) {
        addEntry(code.code(), src, off, len);
        return this;
      }
      int eOff = entries[3 * e + 1];
      int eLen = entries[3 * e + 2];
      if (eOff + eLen == dataLength) {
        ensureData(len);
        System.arraycopy(src, off, data, dataLength, len);
        dataLength += len;
      } else {
        if (dataLength + eLen + len > data.length && garbage >= eLen + len) {
          // Instances of codes met in turn move each value to the end at every instance: the
          // space they leave is taken back before the array grows. Grown instead, a 4 KB
          // request of 960 such instances allocated a megabyte.
          compactInPlace();
          eOff = entries[3 * e + 1];
        }
        ensureData(eLen + len);
        System.arraycopy(data, eOff, data, dataLength, eLen);
        System.arraycopy(src, off, data, dataLength + eLen, len);
        entries[3 * e + 1] = dataLength;
        dataLength += eLen + len;
        garbage += eLen;
      }
      entries[3 * e + 2] = eLen + len;
      return this;
    }

    /** Sets a code's raw value, replacing any previous one. */
    public Builder bytes(DhcpOptionCode code, byte[] value) {
      checkSettable(code);
      beforeChange();
      int e = find(code.code());
      if (e < 0) {
        addEntry(code.code(), value, 0, value.length);
      } else {
        ensureData(value.length);
        System.arraycopy(value, 0, data, dataLength, value.length);
        garbage += entries[3 * e + 2];
        entries[3 * e + 1] = dataLength;
        entries[3 * e + 2] = value.length;
        dataLength += value.length;
      }
      return this;
    }

    public Builder remove(DhcpOptionCode code) {
      beforeChange();
      int e = find(code.code());
      if (e >= 0) {
        garbage += entries[3 * e + 2];
        System.arraycopy(entries, 3 * (e + 1), entries, 3 * e, 3 * (count - e - 1));
        count--;
      }
      return this;
    }

    /** Copies an option from another collection unchanged, e.g. to echo option 82. */
    public Builder copy(DhcpOptionCode code, DhcpOptions from) {
      int i = from.indexOf(code);
      if (i >= 0) {
        byte[] v = new byte[from.lengthAt(i)];
        System.arraycopy(from.data, from.offsetAt(i), v, 0, v.length);
        bytes(code, v);
      }
      return this;
    }

    /** A flag option with no value, such as RAPID_COMMIT. */
    public Builder empty(DhcpOptionCode code) {
      return bytes(code, new byte[0]);
    }

    public Builder ipv4Address(DhcpOptionCode code, Ipv4Address address) {
      return bytes(code, address.toBytes());
    }

    public Builder ipv4Addresses(DhcpOptionCode code, List<Ipv4Address> addresses) {
      return bytes(code, addressBytes(addresses));
    }

    public Builder uint8(DhcpOptionCode code, int value) {
      return bytes(code, uint8Bytes(value));
    }

    public Builder uint16(DhcpOptionCode code, int value) {
      return bytes(code, uint16Bytes(value));
    }

    public Builder uint32(DhcpOptionCode code, long value) {
      return bytes(code, uint32Bytes(value));
    }

    public Builder int32(DhcpOptionCode code, int value) {
      return bytes(code, int32Bytes(value));
    }

    /** Text, one octet per char. */
    public Builder string(DhcpOptionCode code, String value) {
      for (int i = 0; i < value.length(); i++) {
        if (value.charAt(i) > 0xff) {
          throw new IllegalArgumentException(code + " text has a char beyond one octet: " + value);
        }
      }
      return bytes(code, value.getBytes(StandardCharsets.ISO_8859_1));
    }

    public Builder subOptions(DhcpOptionCode code, SubOptions subOptions) {
      return bytes(code, subOptions.toBytes());
    }

    public Builder parameterRequestList(List<DhcpOptionCode> codes) {
      byte[] v = new byte[codes.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (byte) codes.get(i).code();
      }
      return bytes(DhcpOptionCode.PARAMETER_REQUEST_LIST, v);
    }

    public Builder clientIdentifier(ClientIdentifier id) {
      return bytes(DhcpOptionCode.CLIENT_IDENTIFIER, id.toBytes());
    }

    public Builder clientFqdn(ClientFqdn fqdn) {
      return bytes(DhcpOptionCode.CLIENT_FQDN, fqdn.toBytes());
    }

    /** Option 82 exactly as the relay agent sent it (RFC 3046 §2.2: echo it unchanged). */
    public Builder relayAgentInformation(RelayAgentInformation info) {
      return bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, info.toBytes());
    }

    public Builder cableLabsClientConfiguration(CableLabsClientConfiguration config) {
      return bytes(DhcpOptionCode.CABLELABS_CLIENT_CONFIGURATION, config.toBytes());
    }

    public Builder vendorClasses(List<VendorClass> classes) {
      return bytes(DhcpOptionCode.V_I_VENDOR_CLASS, VendorClass.encode(classes));
    }

    public Builder vendorIdentifyingOptions(VendorIdentifyingOptions options) {
      return bytes(DhcpOptionCode.V_I_VENDOR_SPECIFIC_INFORMATION, options.toBytes());
    }

    /** The raw value set so far for a code, or null: for a decoder that must peek at option 52. */
    public byte[] peek(DhcpOptionCode code) {
      int e = find(code.code());
      if (e < 0) {
        return null;
      }
      int off = entries[3 * e + 1];
      return Arrays.copyOfRange(data, off, off + entries[3 * e + 2]);
    }

    /**
     * The collection. Values are checked against the definition table here, once; a builder may be
     * reused after this call.
     */
    public DhcpOptions build() {
      if (count == 0) {
        return EMPTY;
      }
      if (!receivedOrder) {
        sortCanonically();
      }
      for (int i = 0; i < count; i++) {
        int code = entries[3 * i] & CODE_MASK;
        boolean ok =
            DhcpOptionDefinition.wellFormed(code, data, entries[3 * i + 1], entries[3 * i + 2]);
        entries[3 * i] = ok ? code : code | MALFORMED;
      }
      if (garbage == 0) {
        shared = true;
        return new DhcpOptions(data, entries, count, receivedOrder);
      }
      byte[] compact = new byte[dataLength - garbage];
      int[] compactEntries = new int[3 * count];
      int o = 0;
      for (int i = 0; i < count; i++) {
        int len = entries[3 * i + 2];
        System.arraycopy(data, entries[3 * i + 1], compact, o, len);
        compactEntries[3 * i] = entries[3 * i];
        compactEntries[3 * i + 1] = o;
        compactEntries[3 * i + 2] = len;
        o += len;
      }
      return new DhcpOptions(compact, compactEntries, count, receivedOrder);
    }

    private void sortCanonically() {
      // Insertion sort of triples: a reply has a few dozen options at most.
      for (int i = 1; i < count; i++) {
        int c = entries[3 * i];
        int off = entries[3 * i + 1];
        int len = entries[3 * i + 2];
        int r = rank(c & CODE_MASK);
        int j = i - 1;
        while (j >= 0 && rank(entries[3 * j] & CODE_MASK) > r) {
          entries[3 * (j + 1)] = entries[3 * j];
          entries[3 * (j + 1) + 1] = entries[3 * j + 1];
          entries[3 * (j + 1) + 2] = entries[3 * j + 2];
          j--;
        }
        entries[3 * (j + 1)] = c;
        entries[3 * (j + 1) + 1] = off;
        entries[3 * (j + 1) + 2] = len;
      }
    }

    private static void checkSettable(DhcpOptionCode code) {
      if (code.code() == 0 || code.code() == 255) {
        throw new IllegalArgumentException(code + " is framing, not an option");
      }
    }

    private void beforeChange() {
      if (shared) {
        data = data.clone();
        entries = entries.clone();
        shared = false;
      }
    }

    private int find(int code) {
      for (int i = 0; i < count; i++) {
        if ((entries[3 * i] & CODE_MASK) == code) {
          return i;
        }
      }
      return -1;
    }

    private void addEntry(int code, byte[] src, int off, int len) {
      if (3 * count + 3 > entries.length) {
        entries = Arrays.copyOf(entries, entries.length * 2);
      }
      ensureData(len);
      System.arraycopy(src, off, data, dataLength, len);
      entries[3 * count] = code;
      entries[3 * count + 1] = dataLength;
      entries[3 * count + 2] = len;
      count++;
      dataLength += len;
    }

    /** Moves the values down over the space earlier moves left, in the order they lie. */
    private void compactInPlace() {
      long[] byOffset = new long[count];
      for (int i = 0; i < count; i++) {
        byOffset[i] = ((long) entries[3 * i + 1] << 32) | i;
      }
      Arrays.sort(byOffset);
      int to = 0;
      for (long key : byOffset) {
        int i = (int) key;
        int from = entries[3 * i + 1];
        int len = entries[3 * i + 2];
        System.arraycopy(data, from, data, to, len);
        entries[3 * i + 1] = to;
        to += len;
      }
      dataLength = to;
      garbage = 0;
    }

    private void ensureData(int extra) {
      if (dataLength + extra > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + extra));
      }
    }
  }
}
