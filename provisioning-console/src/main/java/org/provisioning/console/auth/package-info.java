/**
 * Who may use the management API and what they did: console users and their roles, salted slow
 * password hashes (PBKDF2, RFC 8018), browser sessions with CSRF tokens, login throttling and
 * lockout, and the audit log. Users and the audit log are state bus records, so both servers of a
 * failover pair know them. Imports common and the api package; never a service, never Netty.
 */
package org.provisioning.console.auth;
