package org.provisioning.common.control;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.provisioning.common.service.ServiceState;

/** What {@code GET /api/v1/status} shows: who this server is and how each service is doing. */
public record ServerStatus(
    String server,
    String version,
    Instant startedAt,
    Duration uptime,
    Map<String, ServiceState> services) {}
