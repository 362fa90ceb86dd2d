package org.provisioning.common.bus;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * How the journal makes a written batch durable. The only production implementation is {@link
 * #FDATASYNC}; the seam exists so that tests can hold a batch at its fsync (to prove group commit)
 * or make it fail (to prove fail-stop).
 */
@FunctionalInterface
public interface JournalSync {

  /**
   * {@code fdatasync(2)}: data plus the metadata needed to read it back (the file size), which is
   * all a journal that only appends needs.
   */
  JournalSync FDATASYNC = channel -> channel.force(false);

  void force(FileChannel channel) throws IOException;
}
