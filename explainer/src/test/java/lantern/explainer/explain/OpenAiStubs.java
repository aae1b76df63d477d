package lantern.explainer.explain;

import lantern.llm.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** Response bodies exactly as OpenAI's chat-completions and Anthropic's messages APIs send them. */
final class OpenAiStubs {
    private static final ObjectMapper M = new ObjectMapper();

    private OpenAiStubs() {
    }

    static String chat(String content) {
        return chat(content, null);
    }

    /** @param logprobs per generated token: token and its top alternatives (token → logprob), first = chosen */
    static String chat(String content, List<Map<String, Double>> logprobs) {
        ObjectNode root = M.createObjectNode();
        root.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1700000000).put("model", "stub-model");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        if (logprobs != null) {
            ArrayNode arr = choice.putObject("logprobs").putArray("content");
            for (Map<String, Double> pos : logprobs) {
                var first = pos.entrySet().iterator().next();
                ObjectNode t = arr.addObject().put("token", first.getKey()).put("logprob", first.getValue());
                ArrayNode top = t.putArray("top_logprobs");
                pos.forEach((k, v) -> top.addObject().put("token", k).put("logprob", v));
            }
        } else {
            choice.putNull("logprobs");
        }
        root.putObject("usage").put("prompt_tokens", 120).put("completion_tokens", 7).put("total_tokens", 127);
        return root.toString();
    }

    static String anthropic(String text) {
        ObjectNode root = M.createObjectNode();
        root.put("id", "msg_1").put("type", "message").put("role", "assistant").put("model", "claude-stub");
        root.putArray("content").addObject().put("type", "text").put("text", text);
        root.put("stop_reason", "end_turn").putNull("stop_sequence");
        root.putObject("usage").put("input_tokens", 90).put("output_tokens", 11);
        return root.toString();
    }
}
