package io.spark.day9.config;

import java.util.Locale;

/** Where the executor runs ({@code DAY9_ENV}); production turns safety guards on. */
public enum DeployEnv {
    DEV, STAGING, PRODUCTION;

    /** The lower-case name used in {@code DAY9_ENV}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
