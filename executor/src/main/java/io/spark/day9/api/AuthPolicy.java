package io.spark.day9.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call {@code /api/private/*}, and with which {@link Role}.
 * <ul>
 *   <li>With {@code API_TOKEN} set: only {@code Authorization: Bearer <token>}, compared in
 *       constant time (both sides are hashed first, so not even the length leaks).
 *       {@code READ_TOKEN} gives {@link Role#READ}, {@code API_TOKEN} {@link Role#TRADE} and
 *       {@code ADMIN_TOKEN} {@link Role#ADMIN}. Without {@code ADMIN_TOKEN}, {@code API_TOKEN}
 *       is admin too, as in a one-operator setup.</li>
 *   <li>Without a token, on a loopback bind: loopback callers only, with every role (the
 *       operations guide's own {@code curl} commands carry no credentials). Start-up logs a
 *       warning.</li>
 *   <li>Without a token on any other bind: the configuration refuses to start, so that case
 *       never reaches here.</li>
 * </ul>
 * Proxy headers such as {@code X-Forwarded-For} are ignored: the peer address is the socket's.
 *
 * <p><b>Guessing.</b> A request presenting a bearer token that matches none is a failed
 * authentication: it is counted and logged, and after {@link FailureLimit#maxFailures} of them
 * within {@link FailureLimit#window} from one address, every request from that address that
 * presents a token is answered 429 with {@code Retry-After} until the window has passed (see
 * {@link AuthFailureLimiter}). A request with no credentials at all is a plain 401 and not
 * counted: it guesses nothing. The one exception is a valid {@code ADMIN_TOKEN}: it is
 * checked before the limit and always admitted, so an operator's emergency stop is never
 * refused because another client on the same address (a NAT, a shared jump host) guessed.
 * Without {@code ADMIN_TOKEN} (one operator, {@code API_TOKEN} is the admin) the limit applies
 * to every token alike: the trading token is the one bots carry. The price: for the admin
 * token alone the limit no longer slows guessing (a wrong guess is still counted and refused;
 * a right one is admitted). What protects it is its size: the configuration refuses tokens
 * shorter than 16 printable characters, over 10^31 candidates.
 */
public final class AuthPolicy {
    private static final Logger log = LoggerFactory.getLogger(AuthPolicy.class);

    private final Optional<byte[]> tokenDigest;
    private final Optional<byte[]> adminDigest;
    private final Optional<byte[]> readDigest;
    private final AuthFailureLimiter limiter;
    private final FailureLimit limit;

    /**
     * Who called: the audit log's actor and their role.
     *
     * @param actor {@code admin@addr}, {@code token@addr}, {@code read@addr} or
     *              {@code loopback@addr}
     * @param role  what they may do
     */
    public record Caller(String actor, Role role) {
        public Caller {
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(role, "role");
        }

        /** A caller who is an admin, or a trader. */
        public Caller(String actor, boolean admin) {
            this(actor, admin ? Role.ADMIN : Role.TRADE);
        }

        /** Whether admin-only routes are open to them. */
        public boolean admin() {
            return role.covers(Role.ADMIN);
        }
    }

    /**
     * How many failed authentications an address may make within a window before it is told
     * to wait.
     *
     * @param maxFailures failures allowed within the window, 1..1 000 000
     * @param window      the window, 1 s .. 1 day
     */
    public record FailureLimit(int maxFailures, Duration window) {
        /** Ten wrong tokens a minute: a person mistyping is never blocked, a loop is. */
        public static final FailureLimit DEFAULT = new FailureLimit(10, Duration.ofSeconds(60));

        public FailureLimit {
            Objects.requireNonNull(window, "window");
            if (maxFailures < 1 || maxFailures > 1_000_000) {
                throw new IllegalArgumentException("maxFailures must be 1..1000000, got "
                        + maxFailures);
            }
            if (window.compareTo(Duration.ofSeconds(1)) < 0
                    || window.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("window must be 1 s .. 1 day, got " + window);
            }
        }
    }

    /**
     * The configured bearer tokens.
     *
     * @param trade {@code API_TOKEN}
     * @param admin {@code ADMIN_TOKEN}
     * @param read  {@code READ_TOKEN}
     */
    public record Tokens(Optional<String> trade, Optional<String> admin, Optional<String> read) {
        public Tokens {
            Objects.requireNonNull(trade, "trade");
            Objects.requireNonNull(admin, "admin");
            Objects.requireNonNull(read, "read");
        }
    }

    public AuthPolicy(Optional<String> token) {
        this(token, Optional.empty());
    }

    public AuthPolicy(Optional<String> token, Optional<String> adminToken) {
        this(new Tokens(token, adminToken, Optional.empty()), FailureLimit.DEFAULT,
                System::currentTimeMillis);
    }

    /**
     * @param tokens the configured tokens
     * @param limit  how failed authentications are limited per address
     * @param clock  milliseconds, for the failure window
     */
    public AuthPolicy(Tokens tokens, FailureLimit limit, LongSupplier clock) {
        this.tokenDigest = tokens.trade().map(AuthPolicy::digest);
        this.adminDigest = tokens.admin().map(AuthPolicy::digest);
        this.readDigest = tokens.read().map(AuthPolicy::digest);
        this.limit = Objects.requireNonNull(limit, "limit");
        this.limiter = new AuthFailureLimiter(limit.maxFailures(), limit.window(), clock);
    }

    /** True when no token is configured and loopback callers are trusted. */
    public boolean loopbackTrust() {
        return tokenDigest.isEmpty();
    }

    /** Failed authentications (a wrong bearer token) since start. */
    public long failedAuthentications() {
        return limiter.failures();
    }

    /** Requests refused with 429 because their address failed too often, since start. */
    public long refusedAuthentications() {
        return limiter.refused();
    }

    /**
     * Returns who is calling, or throws.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param remoteAddress the peer's IP address
     * @throws ProblemException 401 when credentials are missing or wrong, 429 when this address
     *                          failed too often
     */
    public Caller authenticate(String authorization, String remoteAddress) {
        if (tokenDigest.isEmpty()) {
            if (isLoopback(remoteAddress)) {
                return new Caller("loopback@" + remoteAddress, Role.ADMIN);
            }
            throw ProblemException.unauthorized(
                    "no API_TOKEN is configured, so only loopback callers are admitted");
        }
        String given = bearer(authorization);
        if (given == null) {
            throw ProblemException.unauthorized(
                    "this endpoint needs 'Authorization: Bearer <API_TOKEN>'");
        }
        byte[] d = digest(given);
        // a valid admin token is never refused for its address's failures: the emergency stop
        // must get through from a host whose other client is guessing (see "Guessing" above)
        if (adminDigest.isPresent() && MessageDigest.isEqual(d, adminDigest.get())) {
            return new Caller("admin@" + remoteAddress, Role.ADMIN);
        }
        long wait = limiter.retryAfterSeconds(remoteAddress);
        if (wait > 0) {
            throw tooMany(remoteAddress, wait);
        }
        if (MessageDigest.isEqual(d, tokenDigest.get())) {
            return new Caller("token@" + remoteAddress,
                    adminDigest.isEmpty() ? Role.ADMIN : Role.TRADE);
        }
        if (readDigest.isPresent() && MessageDigest.isEqual(d, readDigest.get())) {
            return new Caller("read@" + remoteAddress, Role.READ);
        }
        if (limiter.fail(remoteAddress)) {
            log.warn("authentication failed from {}: {} wrong tokens within {} s; refusing it "
                    + "for up to {} s", remoteAddress, limit.maxFailures(),
                    limit.window().toSeconds(), limit.window().toSeconds());
        } else {
            log.info("authentication failed from {}: the bearer token is not valid",
                    remoteAddress);
        }
        throw ProblemException.unauthorized("the bearer token is not valid");
    }

    private ProblemException tooMany(String address, long waitSeconds) {
        return new ProblemException(Problem.of("too-many-auth-failures",
                "Too many failed authentications", 429, limit.maxFailures()
                        + " wrong tokens from " + address + " within "
                        + limit.window().toSeconds() + " s; retry in " + waitSeconds + " s")
                .with("retryAfterSeconds", waitSeconds),
                Map.of("Retry-After", Long.toString(waitSeconds)));
    }

    private static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = h.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        try {
            // a literal address from the socket: no DNS lookup happens here
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
