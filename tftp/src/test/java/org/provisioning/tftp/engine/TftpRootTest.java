package org.provisioning.tftp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.tftp.message.TftpErrorCode;

class TftpRootTest {
  @TempDir Path dir;
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 4000);

  private TftpRoot root() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.writeString(root.resolve("cm.cfg"), "inside");
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/fw.bin"), "firmware");
    Files.writeString(dir.resolve("secret"), "outside");
    Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret"));
    Files.createSymbolicLink(root.resolve("escape-dir"), dir);
    Files.createSymbolicLink(root.resolve("alias.cfg"), root.resolve("cm.cfg"));
    return new TftpRoot(root);
  }

  private static String refusal(TftpResolution resolution) {
    TftpResolution.Refused refused = assertInstanceOf(TftpResolution.Refused.class, resolution);
    return refused.reason();
  }

  @Test
  void servesFilesInsideTheRootIncludingThroughLinksThatStayInside() throws Exception {
    TftpRoot root = root();
    for (String name :
        new String[] {"cm.cfg", "sub/fw.bin", "./cm.cfg", "sub//fw.bin", "alias.cfg"}) {
      TftpResolution resolution = root.resolve(name, CLIENT);
      assertInstanceOf(TftpResolution.Found.class, resolution, name);
      ((TftpResolution.Found) resolution).source().close();
    }
  }

  @Test
  void refusesEveryWayOutOfTheRootWithItsReason() throws Exception {
    TftpRoot root = root();
    assertEquals("dotdot", refusal(root.resolve("../secret", CLIENT)));
    assertEquals("dotdot", refusal(root.resolve("sub/../../secret", CLIENT)));
    assertEquals("dotdot", refusal(root.resolve("..\\secret", CLIENT)));
    assertEquals("dotdot", refusal(root.resolve("sub/..", CLIENT)));
    assertEquals("absolute", refusal(root.resolve("/etc/passwd", CLIENT)));
    assertEquals("absolute", refusal(root.resolve("\\etc\\passwd", CLIENT)));
    assertEquals("absolute", refusal(root.resolve("C:\\boot.ini", CLIENT)));
    assertEquals("nul", refusal(root.resolve("cm.cfg\0.txt", CLIENT)));
    assertEquals("symlink", refusal(root.resolve("escape", CLIENT)));
    assertEquals("symlink", refusal(root.resolve("escape-dir/secret", CLIENT)));
    TftpResolution.Refused refused = (TftpResolution.Refused) root.resolve("../secret", CLIENT);
    assertEquals(TftpErrorCode.ACCESS_VIOLATION, refused.code());
  }

  @Test
  void aMissingFileOrADirectoryIsNotFound() throws Exception {
    TftpRoot root = root();
    assertEquals("not_found", refusal(root.resolve("nope.cfg", CLIENT)));
    assertEquals("not_found", refusal(root.resolve("sub", CLIENT)));
    assertEquals(
        TftpErrorCode.FILE_NOT_FOUND,
        ((TftpResolution.Refused) root.resolve("nope.cfg", CLIENT)).code());
  }

  @Test
  void uploadsStayInsideAndNeverLandOnALink() throws Exception {
    TftpRoot root = root();
    assertEquals(root.directory().resolve("sub/new.bin"), root.writeTarget("sub/new.bin"));
    assertEquals("symlink", writeRefusal(root, "escape"));
    assertEquals("symlink", writeRefusal(root, "escape-dir/x.bin"));
    assertEquals("dotdot", writeRefusal(root, "../x.bin"));
    assertEquals("not_found", writeRefusal(root, "no/x.bin"));
  }

  private static String writeRefusal(TftpRoot root, String name) {
    return org.junit.jupiter.api.Assertions.assertThrows(
            TftpRoot.Refusal.class, () -> root.writeTarget(name))
        .refused()
        .reason();
  }
}
