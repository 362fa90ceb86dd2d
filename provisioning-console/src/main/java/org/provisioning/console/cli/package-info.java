/** provisionctl: the command line on the management API. Talks to the server only over HTTP. */
package org.provisioning.console.cli;
