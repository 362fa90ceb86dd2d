package org.provisioning.common.config;

import java.nio.file.Path;

/**
 * Who this server is and where it keeps its state.
 *
 * @param name shown in the console and in alerts
 * @param id 1-255, the origin of every record this server publishes; the two servers of a failover
 *     pair must differ
 * @param dataDir journal, snapshots and the API token; relative to the installation directory
 */
public record ServerConfig(String name, Integer id, String dataDir) {
  public static final String DEFAULT_DATA_DIR = "data";

  public ServerConfig {
    name = name == null ? "provisiond" : name;
    id = id == null ? 1 : id;
    dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir;
  }

  /** The data directory, resolved against {@code base} (the installation directory) if relative. */
  public Path dataDirectory(Path base) {
    return base.resolve(dataDir).normalize();
  }
}
