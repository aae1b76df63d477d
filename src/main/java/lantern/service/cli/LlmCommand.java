package lantern.service.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.llm.LlmNotConfiguredException;
import lantern.llm.LlmProbe;
import lantern.llm.LlmSettings;
import lantern.core.LlmSettingsFactory;
import picocli.CommandLine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lantern llm check}: what the configured LLM server accepts, and which simulators will work on it. */
@CommandLine.Command(name = "llm", mixinStandardHelpOptions = true, subcommands = LlmCommand.Check.class,
        description = "The LLM server behind the llm explainer, simulators and detector.")
public class LlmCommand {
    @CommandLine.Command(name = "check", mixinStandardHelpOptions = true,
            description = "Probes the configured LLM server once (two small calls) and prints what it accepts "
                    + "(json_schema, json_object, log-probs, top_logprobs cap, reasoning output) and which simulators work. "
                    + "Exit 0 when llm-json works, 1 when not.")
    public static class Check implements Callable<Integer> {
        @CommandLine.Mixin
        LlmOptions llm = new LlmOptions();
        @CommandLine.Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Map<String, String> overrides = llm.overrides();
            LlmSettings settings = LlmSettingsFactory.fromMicroProfile(overrides).orElseThrow(() -> new LlmNotConfiguredException(List.of(
                    LlmSettings.PREFIX + "base-url", LlmSettings.PREFIX + "model")));
            LlmProbe.Report r = LlmProbe.probe(settings);
            System.out.print(json ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r) + "\n" : r.table());
            return r.usable() ? 0 : 1;
        }
    }
}
