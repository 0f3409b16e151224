package io.spark.day9.sim;

/**
 * One REST call as the simulator's logic sees it, whatever carries it: the request's parameters
 * and headers, and the answer headers it sets. The HTTP adapter ({@code sim.server}) implements
 * it over its web framework; tests may implement it in memory.
 */
public interface SimCall {
    /** The query parameter {@code name}, or null. */
    String query(String name);

    /** The raw query string (without {@code ?}), or null when there is none. */
    String queryString();

    /** The raw request body ("" when empty). */
    String body();

    /** The request header {@code name}, or null. */
    String header(String name);

    /** Sets the answer header {@code name}. */
    void answerHeader(String name, String value);
}
