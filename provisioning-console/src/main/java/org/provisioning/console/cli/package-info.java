/**
 * provisionctl: the command line on the management API. Talks to a running server only over HTTP;
 * setup and restore, which run before it does, write the files it starts from.
 */
package org.provisioning.console.cli;
