/**
 * The management API's routes, free of HTTP libraries: JSON over /api/v1, guarded by the API token.
 * Imports common only, never a service.
 */
package org.provisioning.console.api;
