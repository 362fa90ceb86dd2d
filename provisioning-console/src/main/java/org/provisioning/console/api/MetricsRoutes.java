package org.provisioning.console.api;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.provisioning.console.metrics.PrometheusExposition;

/**
 * {@code GET /metrics}: every statistic in the Prometheus text format, at the path Prometheus
 * scrapes by default, beside {@code /api/v1} on the same server. Whether it needs the API token is
 * the config's {@code management.metricsRequireToken}.
 */
public final class MetricsRoutes {
  public static final String PATH = "/metrics";

  private MetricsRoutes() {}

  public static void register(
      ManagementApi api, PrometheusExposition exposition, BooleanSupplier tokenRequired) {
    api.routeAt(
        "GET",
        PATH,
        tokenRequired,
        r ->
            CompletableFuture.completedFuture(
                new ApiResponse(200, exposition.scrape(), null, exposition.contentType())));
  }
}
