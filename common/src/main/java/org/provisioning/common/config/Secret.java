package org.provisioning.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a config value that must never be shown: passwords, keys, communities. The API and {@code
 * provisionctl config get} show it as {@link ConfigCodec#MASK}; a document sent back with the mask
 * in its place keeps the running value. The state bus and the failover partner still get the value
 * itself.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD})
public @interface Secret {}
