package lantern.spark;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.Consumer;

/**
 * One kind of work the Spark driver does on request ({@code {"id":7,"op":"NAME","args":{...}}} on its standard
 * input). Implementations are found with {@link java.util.ServiceLoader} (list them in
 * {@code META-INF/services/lantern.spark.DriverOp}) and must have a public no-argument constructor. Several requests
 * run at once, each on its own driver thread: an op must be thread-safe (SparkContext is: submit jobs freely).
 */
public interface DriverOp {
    /** The name requests use. */
    String name();

    /**
     * Does the work and returns its result (any JSON). Report progress with {@code progress} (any JSON; the caller
     * sees each as it comes). Throw to fail the request; the message goes back to the caller.
     */
    JsonNode run(DriverContext context, JsonNode args, Consumer<JsonNode> progress) throws Exception;
}
