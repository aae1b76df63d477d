package lantern.eval.score;

import lantern.api.score.Interval;
import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.explainer.explain.RecordSplit;
import lantern.llm.LlmUsage;
import lantern.explainer.simulate.Simulation;
import lantern.explainer.simulate.Simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Simulates every scoring window (concurrently, on virtual threads: the LLM client's semaphore is what bounds the
 * load) and correlates the predictions with the true activations.
 */
public final class SimulationScorer {
    public record Result(SimulationScore score, LlmUsage usage) {
    }

    public Result score(Explanation explanation, RecordSplit split, Simulator simulator) {
        List<ActivationRecord> windows = split.scoring();
        List<Simulation> sims = simulateAll(explanation, windows, simulator);
        List<Double> truth = new ArrayList<>(), predicted = new ArrayList<>();
        List<double[]> truthByWindow = new ArrayList<>(), predictedByWindow = new ArrayList<>();
        int failed = 0, top = 0, random = 0;
        LlmUsage usage = LlmUsage.NONE;
        List<String> reasons = new ArrayList<>();
        java.util.Set<String> used = new java.util.LinkedHashSet<>();
        for (int w = 0; w < windows.size(); w++) {
            Simulation s = sims.get(w);
            usage = usage.plus(s.usage());
            if (!s.isOk()) {
                failed++;
                reasons.add(s.error());
                continue;
            }
            used.add(s.simulator() == null ? simulator.name() : s.simulator());
            if (w < split.heldOutTop().size()) top++; else random++;
            ActivationRecord r = windows.get(w);
            double[] tw = new double[r.size()];
            for (int i = 0; i < r.size(); i++) tw[i] = r.activations()[i];
            truthByWindow.add(tw);
            predictedByWindow.add(s.predicted());
            for (int i = 0; i < r.size(); i++) {
                truth.add((double) r.activations()[i]);
                predicted.add(s.predicted()[i]);
            }
        }
        double r = Pearson.of(truth.stream().mapToDouble(Double::doubleValue).toArray(),
                predicted.stream().mapToDouble(Double::doubleValue).toArray());
        String name = used.isEmpty() ? simulator.name() : String.join("+", used);
        Interval ci = Bootstrap.pearsonOverWindows(r, truthByWindow.toArray(double[][]::new), predictedByWindow.toArray(double[][]::new));
        return new Result(new SimulationScore(r, name, top, random, failed, FailureReasons.count(reasons), ci), usage);
    }

    static List<Simulation> simulateAll(Explanation e, List<ActivationRecord> windows, Simulator simulator) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Simulation>> futures = new ArrayList<>();
            for (ActivationRecord w : windows) futures.add(pool.submit(() -> simulator.simulate(e, w)));
            List<Simulation> out = new ArrayList<>();
            for (Future<Simulation> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException ex) {
                    if (ex.getCause() instanceof IllegalArgumentException iae) throw iae;
                    out.add(Simulation.failed(String.valueOf(ex.getCause()), LlmUsage.NONE));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while simulating", ex);
                }
            }
            return out;
        }
    }
}
