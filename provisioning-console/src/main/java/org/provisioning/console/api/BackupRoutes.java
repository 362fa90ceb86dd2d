package org.provisioning.console.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.provisioning.common.service.DaemonThreads;

/**
 * {@code POST /api/v1/backup}: a consistent copy of the running server's state (its state bus's
 * snapshot and journal, its config file, its pairing secret) as one backup file, in the body (type
 * {@value #CONTENT_TYPE}); {@code provisionctl backup FILE} saves it. The server keeps serving
 * while it is taken, on a thread of its own.
 */
public final class BackupRoutes {
  public static final String CONTENT_TYPE = "application/vnd.provisiond.backup";

  private static final Executor OWN_THREAD =
      task -> {
        Thread thread = DaemonThreads.create("backup", task);
        thread.start();
      };

  private BackupRoutes() {}

  /** Writes a whole backup file to the stream. */
  @FunctionalInterface
  public interface BackupSource {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void register(ManagementApi api, BackupSource source) {
    api.route(
        "POST",
        "/backup",
        request ->
            CompletableFuture.supplyAsync(
                () -> {
                  ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
                  try {
                    source.writeTo(out);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  return new ApiResponse(200, out.toByteArray(), null, CONTENT_TYPE);
                },
                OWN_THREAD));
  }
}
