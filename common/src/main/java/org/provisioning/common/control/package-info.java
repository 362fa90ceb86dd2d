/**
 * The interfaces through which the console sees and steers the services (status, and later failover
 * control) without importing any of them. Imports nothing of the suite but common.
 */
package org.provisioning.common.control;
