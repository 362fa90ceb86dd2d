/**
 * Reads and writes TFTP packets (RFC 1350, 2347). Malformed input is a {@link
 * org.provisioning.tftp.codec.TftpDecodeException} with a reason to count, never another exception.
 * Imports the message package and the JDK only.
 */
package org.provisioning.tftp.codec;
