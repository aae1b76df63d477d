package lantern.service.access;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Refuses to serve on a non-loopback address without any API key, unless {@code lantern.allow-open=true}. */
public final class OpenBindGuard {
    private OpenBindGuard() {
    }

    /** Why the start is refused, or null when it may go on. */
    public static String refusal(String host, boolean httpEnabled, boolean anyKey, boolean allowOpen) {
        if (!httpEnabled || anyKey || allowOpen || isLoopback(host)) return null;
        return "refusing to serve on " + host + " without an API key: anyone who reaches the port could start audits "
                + "(spending the LLM key's money) and write data. Set LANTERN_API_KEY (lantern.api-key) or "
                + "lantern.api-keys-file, bind to 127.0.0.1 (LANTERN_HOST), or set lantern.allow-open=true on purpose.";
    }

    static boolean isLoopback(String host) {
        if (host == null) return true; // Quarkus' default is localhost
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.equalsIgnoreCase("localhost")) return true;
        // only literal addresses are judged; a name is resolved as the server would resolve it
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
