package io.spark.day9.chaos;

/** Why a chaos change was refused. The API maps each to a problem. */
public abstract sealed class ChaosException extends RuntimeException {

    ChaosException(String message) {
        super(message);
    }

    /** A field is out of range (400, naming the field). */
    public static final class Invalid extends ChaosException {
        private final String field;
        private final String detail;

        public Invalid(String field, String message) {
            super(field + " " + message);
            this.field = field;
            this.detail = message;
        }

        public String field() {
            return field;
        }

        public String detail() {
            return detail;
        }
    }

    /** Turning chaos on is not allowed here: production without the override (403). */
    public static final class Forbidden extends ChaosException {
        public Forbidden(String message) {
            super(message);
        }
    }

    /** The fault needs something this executor does not have, e.g. the simulator (409). */
    public static final class Unavailable extends ChaosException {
        public Unavailable(String message) {
            super(message);
        }
    }
}
