/**
 * The statistics registry: named counters and gauges that every service bumps and the console reads
 * as one flat {@code name -> value} map. Imports nothing of the suite.
 */
package org.provisioning.common.stats;
