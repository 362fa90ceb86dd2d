package org.provisioning.tftp.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.provisioning.common.config.TftpConfig;
import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpMode;
import org.provisioning.tftp.message.TftpPacket;

/**
 * Decides what a request gets: a transfer, or an ERROR to answer. Reads go through the resolvers in
 * order (generated DOCSIS files first, then the served root); writes go to the writable area, and
 * are refused with ACCESS_VIOLATION when there is none.
 */
public final class TftpRequestHandler {
  /**
   * Netascii is converted in memory, so text files whose converted form is beyond this are refused
   * rather than buffered: with every transfer slot holding one, memory stays under maxTransfers x
   * 256 KiB (the limit was the file's, and its conversion, a CR before every LF, could double it).
   * Config files are far smaller; firmware goes in octet mode, read block by block from disk.
   */
  static final int MAX_NETASCII = 256 << 10;

  /** Octets of netascii copies all transfers may hold at once (see {@link #netascii}). */
  static final long NETASCII_BUDGET = 32L << 20;

  /** Octets of netascii copies the transfers under way hold. */
  private final AtomicLong netasciiHeld = new AtomicLong();

  private final TftpConfig config;
  private final List<TftpFileResolver> resolvers;
  private final TftpRoot writeRoot;
  private final TftpStatistics stats;

  /** Octets reserved for the uploads under way, each at the most it may write. */
  private final AtomicLong reserved = new AtomicLong();

  /** The most files the upload area may hold before uploads of new names are refused. */
  static final int MAX_UPLOAD_FILES = 100_000;

  private final int maxUploadFiles;

  /** Files in the upload area as last counted, plus the new names accepted since; -1: not yet. */
  private final AtomicLong uploadFiles = new AtomicLong(-1);

  /** What to do with a request: start this transfer, or send this ERROR and forget it. */
  public sealed interface Decision {
    record Accept(TftpTransfer transfer) implements Decision {}

    /**
     * @param reason the statistic's reason ({@code not_found}, {@code dotdot}...)
     * @param message the text the ERROR carries
     */
    record Refuse(byte[] error, String reason, String message) implements Decision {}
  }

  public TftpRequestHandler(
      TftpConfig config,
      List<TftpFileResolver> resolvers,
      TftpRoot writeRoot,
      TftpStatistics stats) {
    this(config, resolvers, writeRoot, stats, MAX_UPLOAD_FILES);
  }

  TftpRequestHandler(
      TftpConfig config,
      List<TftpFileResolver> resolvers,
      TftpRoot writeRoot,
      TftpStatistics stats,
      int maxUploadFiles) {
    this.config = config;
    this.resolvers = List.copyOf(resolvers);
    this.writeRoot = writeRoot;
    this.stats = stats;
    this.maxUploadFiles = maxUploadFiles;
  }

  public Decision handle(TftpPacket.Request request, InetSocketAddress client) {
    if (request.mode() == TftpMode.MAIL) {
      return refuse(
          new TftpResolution.Refused(
              TftpErrorCode.ILLEGAL_OPERATION, "mail mode is not supported", "mail_mode"));
    }
    return request.write() ? write(request) : read(request, client);
  }

  private Decision read(TftpPacket.Request request, InetSocketAddress client) {
    stats.readRequests.increment();
    TftpResolution resolution = null;
    for (TftpFileResolver resolver : resolvers) {
      resolution = resolver.resolve(request.filename(), client);
      if (resolution != null) {
        break;
      }
    }
    if (resolution == null) {
      resolution = TftpResolution.notFound();
    }
    if (resolution instanceof TftpResolution.Refused refused) {
      return refuse(refused);
    }
    TransferSource source = ((TftpResolution.Found) resolution).source();
    try {
      if (request.mode() == TftpMode.NETASCII) {
        source = netascii(source);
        if (source == null) {
          return refuse(
              new TftpResolution.Refused(
                  TftpErrorCode.NOT_DEFINED, "server busy, try again", "netascii_busy"));
        }
      }
    } catch (IOException e) {
      close(source);
      return refuse(
          new TftpResolution.Refused(
              TftpErrorCode.NOT_DEFINED, "the file cannot be sent as netascii", "netascii"));
    }
    TftpOptions options =
        TftpOptions.negotiate(request.options(), false, source.size(), config, stats);
    return new Decision.Accept(new ReadTransfer(source, options, config.retries(), stats));
  }

  /**
   * The file converted to netascii, in memory, within {@link #NETASCII_BUDGET} for all transfers at
   * once; null when that is spent (the client asks again). Each transfer's copy was bounded, but
   * not their sum: with maxTransfers raised for a large plant, requests for one text file held open
   * from port after port took the heap, and the JVM, DHCP with it, exited.
   */
  private TransferSource netascii(TransferSource source) throws IOException {
    try (source) {
      if (source.size() > MAX_NETASCII) {
        throw new IOException("too large for netascii");
      }
      byte[] content = new byte[(int) source.size()];
      source.read(0, content, 0, content.length);
      byte[] encoded = Netascii.encode(content);
      if (encoded.length > MAX_NETASCII) {
        throw new IOException("too large for netascii once converted");
      }
      if (netasciiHeld.addAndGet(encoded.length) > NETASCII_BUDGET) {
        netasciiHeld.addAndGet(-encoded.length);
        return null;
      }
      TransferSource converted = TransferSource.of(encoded);
      return new TransferSource() {
        private boolean closed;

        @Override
        public long size() {
          return converted.size();
        }

        @Override
        public void read(long position, byte[] into, int offset, int length) throws IOException {
          converted.read(position, into, offset, length);
        }

        @Override
        public void close() {
          if (!closed) {
            closed = true;
            netasciiHeld.addAndGet(-encoded.length);
          }
        }
      };
    }
  }

  private Decision write(TftpPacket.Request request) {
    stats.writeRequests.increment();
    if (writeRoot == null) {
      return refuse(
          new TftpResolution.Refused(
              TftpErrorCode.ACCESS_VIOLATION, "this server is read-only", "write"));
    }
    Path target;
    try {
      target = writeRoot.writeTarget(request.filename());
    } catch (TftpRoot.Refusal refusal) {
      return refuse(refusal.refused());
    }
    TftpOptions options = TftpOptions.negotiate(request.options(), true, -1, config, stats);
    // The size the client declared is the most it may send; without one, maxWriteBytes. A tsize
    // of 0 declares no size (RFC 2349 asks for none on a write; curl sends 0 for a stream).
    String tsize = options.oack().get("tsize");
    long declared = tsize != null ? Long.parseLong(tsize) : 0;
    if (declared > config.maxWriteBytes()) {
      return refuse(
          new TftpResolution.Refused(
              TftpErrorCode.DISK_FULL, "the upload exceeds the size allowed", "too_large"));
    }
    if (!Files.exists(target) && !roomForAnotherFile()) {
      return refuse(
          new TftpResolution.Refused(
              TftpErrorCode.DISK_FULL, "the upload area holds too many files", "too_many_files"));
    }
    long size = declared > 0 ? declared : config.maxWriteBytes();
    if (!reserve(target, size)) {
      return refuse(
          new TftpResolution.Refused(
              TftpErrorCode.DISK_FULL, "the disk is too full for uploads", "disk_low"));
    }
    try {
      return new Decision.Accept(
          new WriteTransfer(
              target,
              options,
              request.mode() == TftpMode.NETASCII,
              size,
              config.retries(),
              stats,
              () -> reserved.addAndGet(-size)));
    } catch (IOException e) {
      reserved.addAndGet(-size);
      return refuse(
          new TftpResolution.Refused(
              TftpErrorCode.ACCESS_VIOLATION, "the upload cannot be stored", "unwritable"));
    }
  }

  /**
   * Reserves room for an upload if it leaves a twentieth of its file system free, counting the
   * uploads under way at their largest. Files of maxWriteBytes each, without end, filled the disk,
   * and when it holds the data directory the journal failed and provisiond stopped, DHCP with it;
   * checked one at a time against free space alone, uploads accepted together (none written yet)
   * filled it all the same.
   */
  private boolean reserve(Path target, long size) {
    long total = reserved.addAndGet(size);
    try {
      FileStore store = Files.getFileStore(target.getParent());
      if (store.getUsableSpace() - total >= store.getTotalSpace() / 20) {
        return true;
      }
    } catch (IOException e) {
      // no file system to ask: no room
    }
    reserved.addAndGet(-size);
    return false;
  }

  /**
   * Whether the upload area may take a file of a new name, counting it if so. Empty uploads of new
   * names pass the space check (two fsyncs each, hundreds a second): they used up the file system's
   * inodes within hours, and on the data directory's the journal could not make its next segment,
   * so provisiond stopped at every start. The area is counted again when the count nears the bound
   * (an operator may have cleared it meanwhile).
   */
  private boolean roomForAnotherFile() {
    long counted = uploadFiles.get();
    if (counted < 0 || counted >= maxUploadFiles) {
      try (var files = Files.walk(writeRoot.directory())) {
        counted = files.limit(maxUploadFiles + 1L).filter(Files::isRegularFile).count();
      } catch (IOException | java.io.UncheckedIOException e) {
        return false; // an area that cannot be counted takes nothing more
      }
      uploadFiles.set(counted);
    }
    if (counted >= maxUploadFiles) {
      return false;
    }
    uploadFiles.incrementAndGet();
    return true;
  }

  private Decision refuse(TftpResolution.Refused refused) {
    stats.refused(refused.reason());
    return new Decision.Refuse(
        TftpCodec.error(refused.code(), refused.message()), refused.reason(), refused.message());
  }

  private static void close(TransferSource source) {
    try {
      source.close();
    } catch (IOException e) {
      // read-only
    }
  }
}
