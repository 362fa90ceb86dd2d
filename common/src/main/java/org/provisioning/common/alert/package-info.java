/**
 * Alerts: conditions raised and cleared by services under stable event names, kept active and in
 * history for the console, and passed to listeners (e-mail, SNMP traps, pop-ups). Imports nothing
 * of the suite.
 */
package org.provisioning.common.alert;
