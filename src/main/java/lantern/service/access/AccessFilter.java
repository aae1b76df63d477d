package lantern.service.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import lantern.service.Problem;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The first thing every HTTP request meets: the API key check (when keys are configured) and the body-size limit.
 * Health, metrics, the OpenAPI document and Swagger UI stay open. Answers are RFC 9457 problem JSON; neither the
 * presented key nor a configured one is ever written to a message or a log.
 */
@ApplicationScoped
public class AccessFilter {
    private static final Logger LOG = Logger.getLogger(AccessFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Runs before Quarkus' own filters (CORS included), so nothing is answered for a caller without a key. */
    static final int PRIORITY = 10_000;

    @Inject
    AccessConfig config;
    @Inject
    Sessions sessions;

    private volatile ApiKeys keys;

    ApiKeys keys() {
        ApiKeys k = keys;
        if (k == null) {
            synchronized (this) {
                if (keys == null) keys = ApiKeys.of(config.apiKey(), config.readOnlyApiKey(), config.apiKeysFile());
                k = keys;
            }
        }
        return k;
    }

    void onStart(@Observes StartupEvent event) {
        Config c = ConfigProvider.getConfig();
        String host = c.getOptionalValue("quarkus.http.host", String.class).orElse("localhost");
        boolean enabled = c.getOptionalValue("quarkus.http.host-enabled", Boolean.class).orElse(true);
        ApiKeys k = keys();
        String why = OpenBindGuard.refusal(host, enabled, !k.isEmpty(), config.allowOpen());
        if (why != null) throw new IllegalStateException(why);
        if (enabled) {
            if (!k.isEmpty()) LOG.infof("API keys required on every call but health, metrics and OpenAPI (%d key(s))", k.size());
            else if (!OpenBindGuard.isLoopback(host)) LOG.warnf("serving on %s WITHOUT an API key (lantern.allow-open=true)", host);
        }
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        ApiKeys k = keys();
        if (!k.isEmpty() && !isOpen(rc.normalizedPath()) && !isCorsPreflight(req)) {
            String presented = presentedKey(req);
            ApiKeys.Grant grant = k.check(presented);
            if (grant == ApiKeys.Grant.NONE && presented == null) { // a browser after logging in at /login
                io.vertx.core.http.Cookie c = req.getCookie(Sessions.COOKIE);
                grant = sessions.grant(c == null ? null : c.getValue());
            }
            if (grant == ApiKeys.Grant.NONE) {
                rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"lantern\"");
                problem(rc, 401, "Unauthorized", presented == null
                        ? "this call needs an API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY' (browsers: log in at /login)"
                        : "the API key sent is not valid");
                return;
            }
            if (grant == ApiKeys.Grant.READ_ONLY && req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                problem(rc, 403, "Forbidden", "this API key may only read (GET); " + req.method().name() + " needs a full-access key");
                return;
            }
        }
        String length = req.getHeader("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                problem(rc, 400, "Bad request", "Content-Length is not a number");
                return;
            }
            long max = config.limits().maxBodyBytes();
            if (n > max) {
                rc.response().putHeader("Connection", "close");
                problem(rc, 413, "Payload too large", "the request body (" + n + " bytes) is over the limit lantern.limits.max-body-bytes = " + max);
                return;
            }
        }
        rc.next();
    }

    /** Paths anyone may call: liveness/readiness, metrics, the API description. */
    static boolean isOpen(String path) {
        if (path == null) return false;
        return path.equals("/q/health") || path.startsWith("/q/health/")
                || path.equals("/q/metrics") || path.startsWith("/q/metrics/")
                || path.equals("/q/openapi") || path.startsWith("/q/openapi.")
                || path.equals("/q/swagger-ui") || path.startsWith("/q/swagger-ui/")
                || path.equals("/login");
    }

    private static boolean isCorsPreflight(HttpServerRequest req) {
        return req.method() == HttpMethod.OPTIONS && req.getHeader("Origin") != null
                && req.getHeader("Access-Control-Request-Method") != null
                && ConfigProvider.getConfig().getOptionalValue("quarkus.http.cors.enabled", Boolean.class).orElse(false);
    }

    static String presentedKey(HttpServerRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth != null) {
            String a = auth.strip();
            if (a.regionMatches(true, 0, "Bearer ", 0, 7)) return a.substring(7).strip();
        }
        String x = req.getHeader("X-API-Key");
        return x == null ? null : x.strip();
    }

    private static void problem(RoutingContext rc, int status, String title, String detail) {
        String body;
        try {
            body = JSON.writeValueAsString(Problem.of(status, title, detail));
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + status + "}";
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json").end(body);
    }
}
