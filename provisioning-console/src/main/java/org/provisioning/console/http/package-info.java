/**
 * Netty glue that serves the management API over HTTP/1.1. Imports the api package and common only.
 */
package org.provisioning.console.http;
