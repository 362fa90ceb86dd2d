/**
 * The web console's server side: its static files ({@link
 * org.provisioning.console.web.ConsolePages}, served under {@code /console/}) and the views that
 * give a page what it shows in one request (the tree, the dashboard). Everything else the pages
 * show comes from the same {@code /api/v1} routes provisionctl uses. Imports the api package and
 * common only.
 */
package org.provisioning.console.web;
