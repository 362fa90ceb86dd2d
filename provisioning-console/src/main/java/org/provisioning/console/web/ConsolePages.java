package org.provisioning.console.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's files: the pages, scripts and styles under {@code console/} on the class path,
 * and the client-side libraries from their WebJars (uPlot for charts), served at {@value #ROOT}. A
 * path is looked up only when every segment is a plain file name, so no request can reach a
 * resource outside these folders ({@code ..}, encoded slashes, backslashes and dot files are
 * refused before the class path is asked). Files found are read once and kept with their ETag.
 */
public final class ConsolePages {
  /** Where the console is served; {@code /} redirects here. */
  public static final String ROOT = "/console/";

  private static final String PAGES = "console/";
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final Pattern SAFE_PATH =
      Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon");

  private final ClassLoader loader;

  /**
   * Only files found: the class path bounds it, where keeping misses would let requests grow it.
   */
  private final Map<String, StaticFile> cache = new ConcurrentHashMap<>();

  public ConsolePages() {
    this(ConsolePages.class.getClassLoader());
  }

  ConsolePages(ClassLoader loader) {
    this.loader = loader;
  }

  /** A file to send: its bytes, content type and a strong ETag. */
  public record StaticFile(byte[] body, String contentType, String etag) {}

  /** Whether a request path belongs to the console (and so is answered here, 404 or not). */
  public static boolean isConsolePath(String path) {
    return path.startsWith(ROOT) || path.equals("/console");
  }

  /** The file at a request path under {@value #ROOT}; empty when there is none or it is unsafe. */
  public Optional<StaticFile> find(String requestPath) {
    if (!requestPath.startsWith(ROOT)) {
      return Optional.empty();
    }
    String relative = requestPath.substring(ROOT.length());
    if (relative.isEmpty()) {
      relative = "index.html";
    }
    if (!SAFE_PATH.matcher(relative).matches() || relative.length() > 200) {
      return Optional.empty();
    }
    StaticFile kept = cache.get(relative);
    if (kept != null) {
      return Optional.of(kept);
    }
    Optional<StaticFile> loaded = load(relative);
    if (loaded.isPresent()) {
      cache.putIfAbsent(relative, loaded.get());
    }
    return loaded;
  }

  /** How many files are kept in memory (tests: misses are not). */
  int filesKept() {
    return cache.size();
  }

  private Optional<StaticFile> load(String relative) {
    String resource =
        relative.startsWith("lib/uplot/")
            ? UPLOT + relative.substring("lib/uplot/".length())
            : PAGES + relative;
    String extension = relative.substring(relative.lastIndexOf('.') + 1);
    String type = TYPES.get(extension);
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] body = in.readAllBytes();
      return Optional.of(new StaticFile(body, type, etag(body)));
    } catch (IOException e) {
      throw new IllegalStateException("the console file " + resource + " cannot be read", e);
    }
  }

  private static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The 404 page body for a console path that has no file. */
  public static byte[] notFound(String path) {
    return ("no such console page: " + path.replaceAll("[^A-Za-z0-9/._-]", "?"))
        .getBytes(StandardCharsets.UTF_8);
  }
}
