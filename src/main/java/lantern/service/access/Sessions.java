package lantern.service.access;

import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions for the web pages: a login with a valid key gets a random session id (a cookie, HttpOnly,
 * SameSite=Strict) that carries the key's grant for 12 hours. Held in memory: a restart logs everyone out.
 */
@ApplicationScoped
public class Sessions {
    public static final String COOKIE = "lantern_session";
    static final Duration TTL = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Session(ApiKeys.Grant grant, long expiresAtNanos) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public String open(ApiKeys.Grant grant) {
        if (grant == ApiKeys.Grant.NONE) throw new IllegalArgumentException("no session without a grant");
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        sessions.put(id, new Session(grant, System.nanoTime() + TTL.toNanos()));
        if (sessions.size() > 10_000) sessions.values().removeIf(s -> s.expiresAtNanos() - System.nanoTime() < 0);
        return id;
    }

    public ApiKeys.Grant grant(String id) {
        if (id == null) return ApiKeys.Grant.NONE;
        Session s = sessions.get(id);
        if (s == null) return ApiKeys.Grant.NONE;
        if (s.expiresAtNanos() - System.nanoTime() < 0) {
            sessions.remove(id);
            return ApiKeys.Grant.NONE;
        }
        return s.grant();
    }

    public void close(String id) {
        if (id != null) sessions.remove(id);
    }
}
