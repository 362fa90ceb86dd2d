/**
 * The statistics registry: named counters and gauges that every service bumps and the console reads
 * as one flat {@code name -> value} map, and their recent history (sampled, compact, bounded) for
 * the console's charts. Imports nothing of the suite.
 */
package org.provisioning.common.stats;
