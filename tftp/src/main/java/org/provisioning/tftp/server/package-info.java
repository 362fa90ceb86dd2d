/**
 * The Netty glue of the TFTP server: the request socket, one socket (a new TID) per transfer,
 * timers, and the lifecycle. Thin: every decision is the engine's. Imports common, the engine, the
 * codec and the messages.
 */
package org.provisioning.tftp.server;
