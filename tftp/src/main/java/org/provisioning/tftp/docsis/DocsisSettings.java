package org.provisioning.tftp.docsis;

import static org.provisioning.tftp.docsis.DocsisSetting.aggregate;
import static org.provisioning.tftp.docsis.DocsisSetting.hex;
import static org.provisioning.tftp.docsis.DocsisSetting.leaf;
import static org.provisioning.tftp.docsis.DocsisValueType.ETHER;
import static org.provisioning.tftp.docsis.DocsisValueType.IP;
import static org.provisioning.tftp.docsis.DocsisValueType.STRING;
import static org.provisioning.tftp.docsis.DocsisValueType.STRZERO;
import static org.provisioning.tftp.docsis.DocsisValueType.UINT16;
import static org.provisioning.tftp.docsis.DocsisValueType.UINT32;
import static org.provisioning.tftp.docsis.DocsisValueType.UINT8;

import java.util.List;

/**
 * The settings templates may name (DOCSIS MULPI Annex C, the BPI settings of SEC Annex A), with the
 * {@code docsis} encoder's names. Anything else is written as {@code GenericTLV}; SNMP objects (TLV
 * 11) as {@code SnmpMibObject}.
 */
public final class DocsisSettings {
  /** TLV types the encoder adds itself: a template may not hold them. */
  public static final int CM_MIC = 6;

  public static final int CMTS_MIC = 7;
  public static final int SNMP_MIB_OBJECT = 11;
  public static final int TFTP_TIMESTAMP = 19;
  public static final int TFTP_MODEM_ADDRESS = 20;
  public static final int END = 255;
  public static final int PAD = 0;

  private DocsisSettings() {}

  private static DocsisSetting vendorSpecific() {
    return aggregate("VendorSpecific", 43, hex("VendorIdentifier", 8, 3));
  }

  private static DocsisSetting classifier(String name, int code) {
    return aggregate(
        name,
        code,
        leaf("ClassifierRef", 1, UINT8),
        leaf("ClassifierId", 2, UINT16),
        leaf("ServiceFlowRef", 3, UINT16),
        leaf("ServiceFlowId", 4, UINT32),
        leaf("RulePriority", 5, UINT8),
        leaf("ActivationState", 6, UINT8),
        leaf("DscAction", 7, UINT8),
        aggregate(
            "IpPacketClassifier",
            9,
            hex("IpTos", 1, 3),
            leaf("IpProto", 2, UINT16),
            leaf("IpSrcAddr", 3, IP),
            leaf("IpSrcMask", 4, IP),
            leaf("IpDstAddr", 5, IP),
            leaf("IpDstMask", 6, IP),
            leaf("SrcPortStart", 7, UINT16),
            leaf("SrcPortEnd", 8, UINT16),
            leaf("DstPortStart", 9, UINT16),
            leaf("DstPortEnd", 10, UINT16)),
        vendorSpecific());
  }

  private static DocsisSetting serviceFlow(String name, int code, String prefix, boolean up) {
    List<DocsisSetting> common =
        DocsisSetting.list(
            leaf(prefix + "ServiceFlowRef", 1, UINT16),
            leaf(prefix + "ServiceFlowId", 2, UINT32),
            leaf("ServiceClassName", 4, STRZERO),
            leaf("QosParamSetType", 6, UINT8),
            leaf("TrafficPriority", 7, UINT8),
            leaf("MaxRateSustained", 8, UINT32),
            leaf("MaxTrafficBurst", 9, UINT32),
            leaf("MinReservedRate", 10, UINT32),
            leaf("MinResPacketSize", 11, UINT16),
            leaf("ActQosParamsTimeout", 12, UINT16),
            leaf("AdmQosParamsTimeout", 13, UINT16));
    if (up) {
      common.addAll(
          List.of(
              leaf("ServiceIdentifier", 3, UINT16),
              leaf("MaxConcatenatedBurst", 14, UINT16),
              leaf("SchedulingType", 15, UINT8),
              hex("RequestOrTxPolicy", 16, 4),
              leaf("NominalPollInterval", 17, UINT32),
              leaf("ToleratedPollJitter", 18, UINT32),
              leaf("UnsolicitedGrantSize", 19, UINT16),
              leaf("NominalGrantInterval", 20, UINT32),
              leaf("ToleratedGrantJitter", 21, UINT32),
              leaf("GrantsPerInterval", 22, UINT8),
              hex("IpTosOverwrite", 23, 2),
              leaf("UpstreamPeakTrafficRate", 27, UINT32)));
    } else {
      common.addAll(
          List.of(
              leaf("MaxDsLatency", 14, UINT32),
              leaf("DsResequencing", 17, UINT8),
              hex("IpTosOverwrite", 23, 2),
              leaf("DownstreamPeakTrafficRate", 27, UINT32)));
    }
    common.add(vendorSpecific());
    return new DocsisSetting(name, code, DocsisValueType.AGGREGATE, 0, common);
  }

  /** The file itself: the top-level settings. */
  public static final DocsisSetting MAIN =
      aggregate(
          "Main",
          0,
          leaf("DownstreamFrequency", 1, UINT32),
          leaf("UpstreamChannelId", 2, UINT8),
          leaf("NetworkAccess", 3, UINT8),
          aggregate(
              "ClassOfService",
              4,
              leaf("ClassID", 1, UINT8),
              leaf("MaxRateDown", 2, UINT32),
              leaf("MaxRateUp", 3, UINT32),
              leaf("PriorityUp", 4, UINT8),
              leaf("GuaranteedUp", 5, UINT32),
              leaf("MaxBurstUp", 6, UINT16),
              leaf("PrivacyEnable", 7, UINT8)),
          leaf("SwUpgradeFilename", 9, STRING),
          leaf("CpeMacAddress", 14, ETHER),
          aggregate(
              "BaselinePrivacy",
              17,
              leaf("AuthTimeout", 1, UINT32),
              leaf("ReAuthTimeout", 2, UINT32),
              leaf("AuthGraceTime", 3, UINT32),
              leaf("OperTimeout", 4, UINT32),
              leaf("ReKeyTimeout", 5, UINT32),
              leaf("TEKGraceTime", 6, UINT32),
              leaf("AuthRejectTimeout", 7, UINT32),
              leaf("SAMapWaitTimeout", 8, UINT32),
              leaf("SAMapMaxRetries", 9, UINT32)),
          leaf("MaxCPE", 18, UINT8),
          leaf("TftpTimestamp", TFTP_TIMESTAMP, UINT32),
          leaf("TftpModemAddress", TFTP_MODEM_ADDRESS, IP),
          leaf("SwUpgradeServer", 21, IP),
          classifier("UsPacketClass", 22),
          classifier("DsPacketClass", 23),
          serviceFlow("UsServiceFlow", 24, "Us", true),
          serviceFlow("DsServiceFlow", 25, "Ds", false),
          leaf("MaxClassifiers", 28, UINT16),
          leaf("GlobalPrivacyEnable", 29, UINT8),
          vendorSpecific());
}
