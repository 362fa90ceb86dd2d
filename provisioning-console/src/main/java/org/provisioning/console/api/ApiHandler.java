package org.provisioning.console.api;

import java.util.concurrent.CompletableFuture;

/** Serves one route. May complete later (a config change waits until it is durable). */
@FunctionalInterface
public interface ApiHandler {
  CompletableFuture<ApiResponse> handle(ApiRequest request) throws Exception;
}
