/**
 * What the TFTP server decides, free of sockets: which file a request gets (paths confined to the
 * roots), which options it is granted (RFC 2347-2349, 7440), and the read and write transfers as
 * state machines driven by packets and timeouts (retransmission with backoff, no Sorcerer's
 * Apprentice, RFC 1123 4.2.3.1). Imports common, the codec and the messages; never io.netty.
 */
package org.provisioning.tftp.engine;
