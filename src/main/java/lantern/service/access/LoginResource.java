package lantern.service.access;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import lantern.errors.InvalidInputException;

import java.net.URI;

/**
 * The web pages' way in when keys are configured: a form that takes an API key and answers with a session cookie
 * (the pages then need no header). {@code POST /logout} ends the session.
 */
@Path("/")
public class LoginResource {
    @Inject
    AccessFilter access;
    @Inject
    Sessions sessions;

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public String form() {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lantern: log in</title></head><body>"
                + "<h1>Lantern</h1><form method=\"post\" action=\"/login\"><label>API key <input type=\"password\" name=\"key\" "
                + "autocomplete=\"current-password\" required></label> <button>Log in</button></form></body></html>";
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("key") String key, @FormParam("next") String next) {
        ApiKeys.Grant grant = access.keys().check(key);
        if (grant == ApiKeys.Grant.NONE) {
            return Response.status(401).type("application/problem+json")
                    .entity(lantern.service.Problem.of(401, "Unauthorized", "the API key is not valid")).build();
        }
        String target = next == null || next.isBlank() ? "/" : next;
        if (!target.startsWith("/") || target.startsWith("//") || target.contains("\\")) {
            throw new InvalidInputException("next must be a path on this server");
        }
        NewCookie cookie = new NewCookie.Builder(Sessions.COOKIE).value(sessions.open(grant)).path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge((int) Sessions.TTL.toSeconds()).build();
        return Response.seeOther(URI.create(target)).cookie(cookie).build();
    }

    @POST
    @Path("logout")
    public Response logout(@CookieParam(Sessions.COOKIE) String session) {
        sessions.close(session);
        NewCookie gone = new NewCookie.Builder(Sessions.COOKIE).value("").path("/").maxAge(0).httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).build();
        return Response.noContent().cookie(gone).build();
    }
}
