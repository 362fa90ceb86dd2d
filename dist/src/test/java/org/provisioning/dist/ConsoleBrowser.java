package org.provisioning.dist;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code chromium} driven by {@code chromium-driver}) with a
 * profile of its own, so two of them are two separate console sessions. Its window is a 1280x800
 * laptop screen. Chromium's calls home are switched off: this machine's network is closed. A
 * missing browser fails the test that asked for it; it is never skipped.
 */
final class ConsoleBrowser implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  /** Where the screenshots the README shows are kept; written when -Dscreenshots.update=true. */
  static final Path DOCS = Path.of("").toAbsolutePath().getParent().resolve("docs/screenshots");

  final ChromeDriver driver;
  private final String base;

  /**
   * @param base the console's root, {@code http://127.0.0.1:PORT}
   */
  ConsoleBrowser(String base, Path profile) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      throw new AssertionError(
          "the browser tests need Debian's chromium and chromium-driver (.ci/run installs them)");
    }
    this.base = base;
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        List.of(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--lang=en-US",
            "--window-size=1280,800",
            "--user-data-dir=" + profile));
    org.openqa.selenium.logging.LoggingPreferences logs =
        new org.openqa.selenium.logging.LoggingPreferences();
    logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  /** Opens a console page ({@code index.html}, {@code leases.html?mac=...}). */
  void open(String page) {
    driver.get(base + "/console/" + page);
  }

  /** Logs in through the login page and waits for the tree. */
  void logIn(String name, String password) {
    open("login.html");
    waitFor(By.id("name")).sendKeys(name);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.id("login-button")).click();
    waitFor(By.id("who"));
  }

  WebElement waitFor(By by) {
    return waitFor(by, Duration.ofSeconds(10));
  }

  WebElement waitFor(By by, Duration atMost) {
    try {
      return new WebDriverWait(driver, atMost)
          .until(ExpectedConditions.visibilityOfElementLocated(by));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("waited " + atMost.toMillis() + " ms for " + by + diagnostics(), e);
    }
  }

  /** What the page showed and the browser logged, for a failure message; a screenshot too. */
  String diagnostics() {
    StringBuilder text = new StringBuilder("\nat ").append(driver.getCurrentUrl());
    try {
      text.append("\npage text:\n").append(driver.findElement(By.tagName("body")).getText());
      for (var entry : driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
        text.append("\nconsole: ").append(entry.getMessage());
      }
      text.append("\nscreenshot: ").append(screenshot("failure-" + System.nanoTime()));
    } catch (RuntimeException | IOException e) {
      text.append("\n(no more: ").append(e).append(')');
    }
    return text.toString();
  }

  /** Waits until the element's text holds {@code text}. */
  void waitForText(By by, String text) {
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  /**
   * Takes a screenshot into target/screenshots, and into docs/screenshots (what the README shows)
   * when the build runs with {@code -Dscreenshots.update=true}.
   */
  Path screenshot(String name) throws IOException {
    Path taken = driver.getScreenshotAs(OutputType.FILE).toPath();
    Path kept = Path.of("target/screenshots").resolve(name + ".png");
    Files.createDirectories(kept.getParent());
    Files.copy(taken, kept, StandardCopyOption.REPLACE_EXISTING);
    if (Boolean.getBoolean("screenshots.update")) {
      Files.createDirectories(DOCS);
      Files.copy(taken, DOCS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
    return kept;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
