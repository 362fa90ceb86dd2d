/** The lifecycle every service of provisiond shares. Imports nothing of the suite. */
package org.provisioning.common.service;
