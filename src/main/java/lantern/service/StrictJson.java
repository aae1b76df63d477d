package lantern.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The one mechanism that reads request bodies: every body binds to a record, strictly. Unknown fields, wrong types
 * (a string for a number, 1.5 for an integer, 1 for a boolean or a string), null for a primitive, duplicate keys and
 * trailing tokens are errors, which {@link ProblemMappers} turns into 400s naming the field.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {
    @Override
    @SuppressWarnings("deprecation")
    public void customize(ObjectMapper m) {
        configure(m);
    }

    private static final ObjectMapper STRICT = configure(new ObjectMapper());

    /**
     * For a call whose body is optional and may come without a content type: blank is null, anything else binds
     * strictly to {@code type} (a 400 otherwise).
     */
    public static <T> T bindOptional(String body, Class<T> type) {
        if (body == null || body.isBlank()) return null;
        try {
            return STRICT.readValue(body, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new lantern.errors.InvalidInputException("malformed request body: " + e.getOriginalMessage());
        }
    }

    public static ObjectMapper configure(ObjectMapper m) {
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        m.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        for (LogicalType t : new LogicalType[]{LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer, LogicalType.Float}) {
            var c = m.coercionConfigFor(t);
            for (CoercionInputShape s : new CoercionInputShape[]{CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.String, CoercionInputShape.EmptyString}) {
                c.setCoercion(s, CoercionAction.Fail);
            }
        }
        // a float where a float is expected, an integer where a float is expected: fine
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        return m;
    }
}
