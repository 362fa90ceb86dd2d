package org.provisioning.console.api;

import java.util.concurrent.CompletableFuture;

/**
 * Runs an admitted request's handler and records what it changed: the console's audit log. The
 * default records nothing.
 */
@FunctionalInterface
public interface ApiAudit {
  ApiAudit NONE = (request, handler) -> handler.handle(request);

  CompletableFuture<ApiResponse> around(ApiRequest request, ApiHandler handler) throws Exception;
}
