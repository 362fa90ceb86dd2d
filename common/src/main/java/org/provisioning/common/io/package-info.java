/** Files the services keep beside the journal, written so that a crash leaves them whole. */
package org.provisioning.common.io;
