/** The TFTP server (RFC 1350, 2347-2349, 7440). Imports common only. */
package org.provisioning.tftp;
