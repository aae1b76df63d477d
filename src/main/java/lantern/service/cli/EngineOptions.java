package lantern.service.cli;

import picocli.CommandLine;

/** {@code --engine local|spark} and {@code --master URL}: where a collection or an audit runs (default: lantern.engine). */
public class EngineOptions {
    @CommandLine.Option(names = "--engine", description = "local (this process) or spark (a cluster; needs --master). Default: lantern.engine (local).")
    String engine;
    @CommandLine.Option(names = "--master", description = "Spark master URL for --engine spark, e.g. spark://host:7077 or local[4] (default: lantern.spark.master).")
    String master;

    /** Hands the choice to the engine bean (before the command does its work). */
    public void apply(lantern.service.spark.SparkEngine engines) {
        if (engine == null && master != null) engine = lantern.service.spark.SparkEngine.SPARK;
        engines.use(engine, master);
        if (engines.enabled()) engines.master(); // a missing master fails now, with the options to set
    }
}
