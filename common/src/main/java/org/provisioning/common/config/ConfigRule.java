package org.provisioning.common.config;

import java.util.List;

/**
 * A rule that needs more than the document: a directory that must exist, a template that must
 * parse. Services that own such rules implement this; the composition root hands them to the {@link
 * ConfigCodec}, so common stays free of any service.
 *
 * <p>These rules judge a change being made here (the file at start-up, the API, a check); they are
 * not applied again to a version already accepted (the journal, the failover peer), whose files are
 * this machine's concern once it runs them.
 */
@FunctionalInterface
public interface ConfigRule {
  /** Every error found, each with its path and how to fix it; empty when the config passes. */
  List<ConfigError> check(ProvisioningConfig config);
}
