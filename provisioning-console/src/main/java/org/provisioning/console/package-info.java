/** The management API, CLI, and console; talks to services only through common's interfaces. */
package org.provisioning.console;
