package lantern.service.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import lantern.errors.InvalidInputException;
import lantern.errors.TooLargeException;
import lantern.errors.BusyException;

import java.util.Collection;

/** The configured per-call limits, checked by the resources; each refusal names its setting. */
@ApplicationScoped
public class RequestLimits {
    @Inject
    AccessConfig config;

    /** At most {@code lantern.limits.max-texts} texts in the field (413 beyond). */
    public void texts(Collection<?> texts, String field) {
        int max = config.limits().maxTexts();
        if (texts != null && texts.size() > max) {
            throw new TooLargeException("\"" + field + "\" has " + texts.size() + " texts; the limit is lantern.limits.max-texts = " + max);
        }
    }

    /** At most {@code lantern.limits.max-features} features named in one request (413 beyond). */
    public void features(int n) {
        int max = config.limits().maxFeatures();
        if (n > max) throw new TooLargeException(n + " features in one request; the limit is lantern.limits.max-features = " + max);
    }

    /** A generation of at most {@code lantern.limits.max-generation-tokens} tokens (400 beyond). */
    public void generationTokens(int n) {
        int max = config.limits().maxGenerationTokens();
        if (n > max) throw new InvalidInputException("maxTokens " + n + " is over the limit lantern.limits.max-generation-tokens = " + max);
    }

    /** Refuses one more job when {@code running} already reach {@code lantern.limits.max-concurrent-jobs} (429). */
    public void jobs(long running) {
        int max = config.limits().maxConcurrentJobs();
        if (running >= max) {
            throw new BusyException(running + " audits are running or queued; the limit is lantern.limits.max-concurrent-jobs = "
                    + max + ": try again when one has finished (or cancel one)", 30);
        }
    }
}
