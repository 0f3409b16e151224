package io.spark.day9.config;

/** How log lines are written ({@code LOG_FORMAT}): readable text, or one JSON object a line. */
public enum LogFormat {
    TEXT, JSON
}
