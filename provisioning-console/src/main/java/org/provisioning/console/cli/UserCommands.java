package org.provisioning.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code provisionctl user add|list|remove|passwd|role}: the console's users, through {@code
 * /api/v1/users} with the API token (an admin's credential). A password is never an argument (it
 * would show in the process list and the shell history): it is asked twice on the terminal, or read
 * from the first line of standard input with {@code --password-stdin}.
 */
@Command(
    name = "user",
    description = "The console's users: add, list, remove, passwd, role.",
    subcommands = {
      UserCommands.Add.class,
      UserCommands.List.class,
      UserCommands.Remove.class,
      UserCommands.Passwd.class,
      UserCommands.SetRole.class
    })
final class UserCommands {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand Provisionctl ctl;

  abstract static class WithPassword {
    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of standard input (for scripts).")
    boolean passwordFromStdin;

    String password(Provisionctl ctl, String name) {
      if (passwordFromStdin) {
        try {
          String line =
              new BufferedReader(new InputStreamReader(ctl.stdin, StandardCharsets.UTF_8))
                  .readLine();
          if (line == null || line.isEmpty()) {
            throw new Provisionctl.CliFailure(
                Provisionctl.INVALID, "no password on standard input");
          }
          return line;
        } catch (IOException e) {
          throw new Provisionctl.CliFailure(
              Provisionctl.UNREACHABLE, "cannot read standard input: " + e.getMessage());
        }
      }
      Console console = System.console();
      if (console == null) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID,
            "no terminal to ask the password on; pipe it in with --password-stdin");
      }
      char[] first = console.readPassword("Password for %s: ", name);
      char[] second = console.readPassword("The same again: ");
      try {
        if (first == null || second == null || !Arrays.equals(first, second)) {
          throw new Provisionctl.CliFailure(Provisionctl.INVALID, "the two passwords differ");
        }
        return new String(first);
      } finally {
        if (first != null) {
          Arrays.fill(first, '\0');
        }
        if (second != null) {
          Arrays.fill(second, '\0');
        }
      }
    }
  }

  @Command(name = "add", description = "Add a user with a role: admin, operator or viewer.")
  static final class Add extends WithPassword implements Callable<Integer> {
    @ParentCommand UserCommands users;

    @Parameters(paramLabel = "NAME", description = "Lower-case letters, digits and . _ @ -")
    String name;

    @Option(names = "--role", required = true, description = "admin, operator or viewer.")
    String role;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = JSON.createObjectNode();
      body.put("name", name);
      body.put("role", role);
      body.put("password", password(users.ctl, name));
      JsonNode user = users.ctl.call("POST", "/users", JSON.writeValueAsString(body), Map.of());
      users
          .ctl
          .out()
          .printf(
              Locale.ROOT,
              "added %s (%s)%n",
              user.path("name").asText(),
              user.path("role").asText());
      return 0;
    }
  }

  @Command(name = "list", description = "Every user with role and last change.")
  static final class List implements Callable<Integer> {
    @ParentCommand UserCommands users;

    @Override
    public Integer call() {
      JsonNode reply = users.ctl.call("GET", "/users", null, Map.of());
      var out = users.ctl.out();
      out.printf(Locale.ROOT, "%-24s %-9s %-24s %s%n", "NAME", "ROLE", "CHANGED", "BY");
      for (JsonNode user : reply.path("users")) {
        out.printf(
            Locale.ROOT,
            "%-24s %-9s %-24s %s%n",
            user.path("name").asText(),
            user.path("role").asText(),
            user.path("changedAt").asText(),
            user.path("changedBy").asText());
      }
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a user; their sessions end at once.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand UserCommands users;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      users.ctl.call(
          "DELETE",
          "/users?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8),
          null,
          Map.of());
      users.ctl.out().println("removed " + name);
      return 0;
    }
  }

  @Command(
      name = "passwd",
      description = "Give a user a new password; their sessions end and any lockout is lifted.")
  static final class Passwd extends WithPassword implements Callable<Integer> {
    @ParentCommand UserCommands users;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = JSON.createObjectNode();
      body.put("name", name);
      body.put("password", password(users.ctl, name));
      users.ctl.call("PUT", "/users", JSON.writeValueAsString(body), Map.of());
      users.ctl.out().println("new password set for " + name);
      return 0;
    }
  }

  @Command(name = "role", description = "Give a user another role.")
  static final class SetRole implements Callable<Integer> {
    @ParentCommand UserCommands users;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "ROLE", description = "admin, operator or viewer.")
    String role;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = JSON.createObjectNode();
      body.put("name", name);
      body.put("role", role);
      JsonNode user = users.ctl.call("PUT", "/users", JSON.writeValueAsString(body), Map.of());
      users.ctl.out().printf(Locale.ROOT, "%s is %s%n", name, user.path("role").asText());
      return 0;
    }
  }
}
