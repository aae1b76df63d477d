package lantern.service.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may call the service and how much one call or job may ask for ({@code lantern.*}, or LANTERN_* environment
 * variables). Kept apart from {@code LanternConfig} so access and limits can change without touching the rest.
 */
@ConfigMapping(prefix = "lantern")
public interface AccessConfig {
    /** A key with full access ({@code LANTERN_API_KEY}). When any key is set, every call but health, metrics and the OpenAPI document needs one. */
    Optional<String> apiKey();

    /** A key that may only read (GET, HEAD). */
    Optional<String> readOnlyApiKey();

    /** A file of keys, one a line: {@code KEY} (full access) or {@code KEY read-only}; '#' starts a comment. */
    Optional<Path> apiKeysFile();

    /** Serve on a non-loopback address without any key. Off: such a start is refused. */
    @WithDefault("false")
    boolean allowOpen();

    Limits limits();

    interface Limits {
        /** The largest request body, in bytes (413 beyond). */
        @WithDefault("1048576")
        long maxBodyBytes();

        /** Texts in one call (direction examples, steering candidates). */
        @WithDefault("256")
        int maxTexts();

        /** Tokens one generation may produce (Patchscopes' maxTokens). */
        @WithDefault("256")
        int maxGenerationTokens();

        /** Features named in one activations request. */
        @WithDefault("1000")
        int maxFeatures();

        /** Audits running (or queued) at once; one more answers 429. */
        @WithDefault("4")
        int maxConcurrentJobs();
    }
}
