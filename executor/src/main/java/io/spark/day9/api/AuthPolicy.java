package io.spark.day9.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Who may call {@code /api/private/*}.
 * <ul>
 *   <li>With {@code API_TOKEN} set: only {@code Authorization: Bearer <token>}, compared in
 *       constant time (both sides are hashed first, so not even the length leaks).</li>
 *   <li>Without a token, on a loopback bind: loopback callers only (the operations guide's own
 *       {@code curl} commands carry no credentials). Start-up logs a warning.</li>
 *   <li>Without a token on any other bind: the configuration refuses to start, so that case
 *       never reaches here.</li>
 * </ul>
 * Proxy headers such as {@code X-Forwarded-For} are ignored: the peer address is the socket's.
 *
 * <p><b>Admin.</b> Some routes (chaos, later the emergency stop) are admin-only. With
 * {@code ADMIN_TOKEN} set, only a caller presenting it is an admin (a caller with
 * {@code API_TOKEN} gets 403 there); it is also accepted wherever {@code API_TOKEN} is. Without
 * {@code ADMIN_TOKEN}, every admitted caller is an admin, as in a one-operator setup.
 */
public final class AuthPolicy {
    private final Optional<byte[]> tokenDigest;
    private final Optional<byte[]> adminDigest;

    /** Who called: the audit log's actor, and whether admin-only routes are open to them. */
    public record Caller(String actor, boolean admin) {
    }

    public AuthPolicy(Optional<String> token) {
        this(token, Optional.empty());
    }

    public AuthPolicy(Optional<String> token, Optional<String> adminToken) {
        this.tokenDigest = token.map(AuthPolicy::digest);
        this.adminDigest = adminToken.map(AuthPolicy::digest);
    }

    /** True when no token is configured and loopback callers are trusted. */
    public boolean loopbackTrust() {
        return tokenDigest.isEmpty();
    }

    /**
     * Returns who is calling, or throws.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param remoteAddress the peer's IP address
     * @throws ProblemException 401 when credentials are missing or wrong
     */
    public Caller authenticate(String authorization, String remoteAddress) {
        if (tokenDigest.isPresent()) {
            String given = bearer(authorization);
            if (given == null) {
                throw ProblemException.unauthorized(
                        "this endpoint needs 'Authorization: Bearer <API_TOKEN>'");
            }
            byte[] d = digest(given);
            if (adminDigest.isPresent() && MessageDigest.isEqual(d, adminDigest.get())) {
                return new Caller("admin@" + remoteAddress, true);
            }
            if (!MessageDigest.isEqual(d, tokenDigest.get())) {
                throw ProblemException.unauthorized("the bearer token is not valid");
            }
            return new Caller("token@" + remoteAddress, adminDigest.isEmpty());
        }
        if (isLoopback(remoteAddress)) {
            return new Caller("loopback@" + remoteAddress, true);
        }
        throw ProblemException.unauthorized(
                "no API_TOKEN is configured, so only loopback callers are admitted");
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
