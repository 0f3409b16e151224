package io.spark.day9.sim;

/**
 * A request the simulated exchange refuses, carrying Binance's HTTP status, error code and
 * message; the REST layer maps it to {@code {"code":..,"msg":".."}} in one place.
 */
final class BinanceError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final int code;
  final long retryAfterSeconds;

  BinanceError(int status, int code, String msg, long retryAfterSeconds) {
    super(msg, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static BinanceError badRequest(int code, String msg) {
    return new BinanceError(400, code, msg, -1);
  }

  static BinanceError mandatory(String param) {
    return badRequest(-1102, "Mandatory parameter '" + param
        + "' was not sent, was empty/null, or malformed.");
  }

  static BinanceError illegal(String param, String legalRange) {
    return badRequest(-1100, "Illegal characters found in parameter '" + param
        + "'; legal range is '" + legalRange + "'.");
  }

  static BinanceError notRequired(String param) {
    return badRequest(-1106, "Parameter '" + param + "' sent when not required.");
  }

  static BinanceError filter(String filter) {
    return badRequest(-1013, "Filter failure: " + filter);
  }

  static BinanceError invalidSymbol() {
    return badRequest(-1121, "Invalid symbol.");
  }

  static BinanceError insufficientBalance() {
    return badRequest(-2010, "Account has insufficient balance for requested action.");
  }

  static BinanceError duplicateOrder() {
    return badRequest(-2010, "Duplicate order sent.");
  }

  static BinanceError orderDoesNotExist() {
    return badRequest(-2013, "Order does not exist.");
  }

  static BinanceError unknownOrder() {
    return badRequest(-2011, "Unknown order sent.");
  }
}
