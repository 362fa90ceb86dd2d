package org.provisioning.dhcp.option;

import static org.provisioning.dhcp.option.DhcpOptionFormat.BINARY;
import static org.provisioning.dhcp.option.DhcpOptionFormat.STRING;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Option 43 as a DOCSIS device fills it in its DISCOVER and REQUEST: CableLabs sub-options naming
 * the device (DOCSIS, CableLabs eDOCSIS device identification). A server uses them to classify and
 * log; unknown sub-options (vendors send more) are kept in {@link #subOptions()}.
 */
public final class DocsisDeviceInformation {

  /** E.g. {@code ECM} (embedded cable modem), {@code EMTA}, {@code EPS}. */
  public static final DhcpSubOptionDefinition DEVICE_TYPE =
      DhcpSubOptionDefinition.single(2, "DEVICE_TYPE", STRING);

  /** The embedded service/application functional entities, e.g. {@code ECM:EROUTER}. */
  public static final DhcpSubOptionDefinition ESAFE_TYPES =
      DhcpSubOptionDefinition.single(3, "ESAFE_TYPES", STRING);

  public static final DhcpSubOptionDefinition SERIAL_NUMBER =
      DhcpSubOptionDefinition.single(4, "SERIAL_NUMBER", STRING);
  public static final DhcpSubOptionDefinition HARDWARE_VERSION =
      DhcpSubOptionDefinition.single(5, "HARDWARE_VERSION", STRING);
  public static final DhcpSubOptionDefinition SOFTWARE_VERSION =
      DhcpSubOptionDefinition.single(6, "SOFTWARE_VERSION", STRING);
  public static final DhcpSubOptionDefinition BOOT_ROM_VERSION =
      DhcpSubOptionDefinition.single(7, "BOOT_ROM_VERSION", STRING);

  /**
   * The vendor's OUI. Binary because devices disagree: some send six hex digits as text ({@code
   * 00095B}), others the three raw octets; {@link #vendorOui()} reads both.
   */
  public static final DhcpSubOptionDefinition VENDOR_OUI =
      DhcpSubOptionDefinition.single(8, "VENDOR_OUI", BINARY);

  public static final DhcpSubOptionDefinition MODEL_NUMBER =
      DhcpSubOptionDefinition.single(9, "MODEL_NUMBER", STRING);
  public static final DhcpSubOptionDefinition VENDOR_NAME =
      DhcpSubOptionDefinition.single(10, "VENDOR_NAME", STRING);

  public static final List<DhcpSubOptionDefinition> DEFINITIONS =
      List.of(
          DEVICE_TYPE,
          ESAFE_TYPES,
          SERIAL_NUMBER,
          HARDWARE_VERSION,
          SOFTWARE_VERSION,
          BOOT_ROM_VERSION,
          VENDOR_OUI,
          MODEL_NUMBER,
          VENDOR_NAME);

  private final SubOptions subOptions;

  DocsisDeviceInformation(SubOptions subOptions) {
    this.subOptions = subOptions;
  }

  /** Reads a raw option 43 value; empty if it is not well-framed sub-options. */
  public static Optional<DocsisDeviceInformation> parse(byte[] option43) {
    return SubOptions.parse(option43).map(DocsisDeviceInformation::new);
  }

  public SubOptions subOptions() {
    return subOptions;
  }

  public Optional<String> deviceType() {
    return subOptions.string(DEVICE_TYPE);
  }

  /** The eSAFE list as sent, e.g. {@code ECM:EROUTER}. */
  public Optional<String> esafeTypes() {
    return subOptions.string(ESAFE_TYPES);
  }

  public Optional<String> serialNumber() {
    return subOptions.string(SERIAL_NUMBER);
  }

  public Optional<String> hardwareVersion() {
    return subOptions.string(HARDWARE_VERSION);
  }

  public Optional<String> softwareVersion() {
    return subOptions.string(SOFTWARE_VERSION);
  }

  public Optional<String> bootRomVersion() {
    return subOptions.string(BOOT_ROM_VERSION);
  }

  /** Six upper-case hex digits, whether the device sent text or three raw octets. */
  public Optional<String> vendorOui() {
    return subOptions
        .get(VENDOR_OUI)
        .map(v -> v.length == 3 ? HexFormat.of().withUpperCase().formatHex(v) : text(v));
  }

  private static String text(byte[] v) {
    return SubOptions.text(v, 0, v.length).toUpperCase(java.util.Locale.ROOT);
  }

  public Optional<String> modelNumber() {
    return subOptions.string(MODEL_NUMBER);
  }

  public Optional<String> vendorName() {
    return subOptions.string(VENDOR_NAME);
  }

  @Override
  public String toString() {
    return "DocsisDeviceInformation" + subOptions;
  }
}
