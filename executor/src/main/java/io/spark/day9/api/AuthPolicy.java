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
 */
public final class AuthPolicy {
    private final Optional<byte[]> tokenDigest;

    public AuthPolicy(Optional<String> token) {
        this.tokenDigest = token.map(AuthPolicy::digest);
    }

    /** True when no token is configured and loopback callers are trusted. */
    public boolean loopbackTrust() {
        return tokenDigest.isEmpty();
    }

    /**
     * Returns the actor name for the audit log, or throws.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param remoteAddress the peer's IP address
     * @throws ProblemException 401 when credentials are missing or wrong
     */
    public String authenticate(String authorization, String remoteAddress) {
        if (tokenDigest.isPresent()) {
            String given = bearer(authorization);
            if (given == null) {
                throw ProblemException.unauthorized(
                        "this endpoint needs 'Authorization: Bearer <API_TOKEN>'");
            }
            if (!MessageDigest.isEqual(digest(given), tokenDigest.get())) {
                throw ProblemException.unauthorized("the bearer token is not valid");
            }
            return "token@" + remoteAddress;
        }
        if (isLoopback(remoteAddress)) {
            return "loopback@" + remoteAddress;
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
