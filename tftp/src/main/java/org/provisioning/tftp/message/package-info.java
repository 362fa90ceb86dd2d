/**
 * TFTP packets as immutable records (RFC 1350, OACK of RFC 2347) and the codes they carry. Imports
 * nothing but the JDK.
 */
package org.provisioning.tftp.message;
