package lantern.service.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/** The caller's mistakes print one clear line ("lantern: ...") and exit 2, not a stack trace. */
@ApplicationScoped
public class CliErrors {
    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof NoSuchElementException
                    || ex instanceof IllegalStateException || ex instanceof UncheckedIOException) {
                cmd.getErr().println("lantern: " + ex.getMessage());
                return 2;
            }
            if (ex instanceof lantern.explainer.explain.LlmCallFailedException) {
                // the LLM server's fault or its settings', said in one line (the reason carries the provider's message)
                cmd.getErr().println("lantern: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
    }
}
