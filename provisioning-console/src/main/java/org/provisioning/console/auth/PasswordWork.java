package org.provisioning.console.auth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.console.api.ApiResponse;

/**
 * Where password hashes are computed: a slow hash is slow on purpose, so it never runs on the HTTP
 * thread, and at most {@value #THREADS} at a time with {@value #QUEUE} waiting, so a flood of
 * logins costs at most that much CPU; beyond it a login is answered 503 at once.
 */
final class PasswordWork {
  static final int THREADS = 2;
  static final int QUEUE = 32;

  private final ThreadPoolExecutor executor;
  private final Replies replies;

  PasswordWork(Replies replies) {
    this.replies = replies;
    this.executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            DaemonThreads.factory("console-password"));
    executor.allowCoreThreadTimeOut(true);
  }

  <T> CompletableFuture<ApiResponse> run(
      Supplier<T> work, Function<T, CompletableFuture<ApiResponse>> then) {
    CompletableFuture<T> done;
    try {
      done = CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          replies.error(503, "too many password checks at once; try again in a moment"));
    }
    return done.thenCompose(then);
  }

  void close() {
    executor.shutdownNow();
  }
}
