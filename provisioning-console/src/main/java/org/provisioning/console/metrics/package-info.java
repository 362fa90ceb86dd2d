/**
 * The statistics registry for Prometheus: {@code GET /metrics} in the Prometheus text format, built
 * with the Prometheus Java client's model and exposition modules. Imports common only.
 */
package org.provisioning.console.metrics;
