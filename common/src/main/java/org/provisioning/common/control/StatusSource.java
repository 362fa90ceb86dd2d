package org.provisioning.common.control;

/** Gives the console the server's status without the console knowing any service. */
@FunctionalInterface
public interface StatusSource {
  ServerStatus status();
}
