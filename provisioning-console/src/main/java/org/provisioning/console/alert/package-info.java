/**
 * Alert delivery: a channel per receiver (e-mail, syslog, SNMP traps), each with its own filter,
 * bounded queue, thread, retries and counters, so that no receiver can slow a service or another
 * channel. Imports common only, never a service.
 */
package org.provisioning.console.alert;
