/** RFC 868 Time of Day over TCP and UDP. Imports common only. */
package org.provisioning.tod;
