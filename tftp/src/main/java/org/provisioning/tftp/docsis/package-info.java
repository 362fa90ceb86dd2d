/**
 * DOCSIS config files built on request: templates in the text form of the {@code docsis} encoder
 * (Main { NetworkAccess 1; ... }) with {@code ${variables}} per modem, encoded as binary TLVs with
 * the CM MIC (TLV 6, MD5), the CMTS MIC (TLV 7, HMAC-MD5 over the TLVs MULPI Annex D.2.1 lists, in
 * its order), the end marker and padding; and the TFTP resolver that serves them by pattern, per
 * lease. Imports common, the TFTP engine and the JDK; never io.netty.
 */
package org.provisioning.tftp.docsis;
