/**
 * The composition root and distribution of provisiond: the only package that knows every module.
 */
package org.provisioning.dist;
