package io.streamspace.agent.bench;

import static io.streamspace.agent.bench.BenchEnv.progress;

import io.streamspace.agent.bench.Report.Figure;
import io.streamspace.agent.bench.Report.Kind;
import io.streamspace.agent.bench.codec.CodecBenchmark;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Point 7: the JMH benchmark of the wire codec ({@link CodecBenchmark}), in a forked JVM. */
final class CodecSection {

    private final boolean quick;
    private final Report report;

    CodecSection(boolean quick, Report report) {
        this.quick = quick;
        this.report = report;
    }

    void run() throws Exception {
        progress("codec: JMH (%s)", quick ? "quick: 1 fork, 1×1 s warm-up, 1×1 s measurement"
                : "2 forks, 3×2 s warm-up, 5×2 s measurement");
        Options options = new OptionsBuilder()
                .include(CodecBenchmark.class.getName() + "\\.")
                .forks(quick ? 1 : 2)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 1 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .jvmArgs("-Xmx256m")
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            scores.put(name, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        double readTree = scores.getOrDefault("baselineJacksonReadTree", new double[] {Double.NaN})[0];
        double write = scores.getOrDefault("baselineJacksonWrite", new double[] {Double.NaN})[0];
        addFigure("decode one command line", scores.get("decodeCommand"), "Jackson readTree of it", readTree);
        addFigure("split + decode a frame of " + 10 + " commands (per message)", scores.get("splitAndDecodeBatch"),
                "Jackson readTree", readTree);
        addFigure("encode ack", scores.get("encodeAck"), "Jackson write of a command tree", write);
        addFigure("encode heartbeat", scores.get("encodeHeartbeat"), "Jackson write of a command tree", write);
        addFigure("encode session status", scores.get("encodeSessionStatus"), "Jackson write of a command tree",
                write);
        report.line("### Codec (point 7)");
        report.line("");
        report.line("JMH %s, `bench/.../codec/CodecBenchmark`: `ProtocolCodec` as the agent wires it, throughput in"
                + " messages per second (score ± 99.9 %% error):", quick ? "(quick settings)" : "");
        report.line("");
        report.line("| benchmark | messages/s | ± |");
        report.line("|---|---:|---:|");
        for (var e : scores.entrySet()) {
            report.line(String.format(Locale.ROOT, "| %s | %.0f | %.0f |", e.getKey(), e.getValue()[0],
                    e.getValue()[1]));
        }
        report.line("");
    }

    private void addFigure(String name, double[] score, String baselineName, double baseline) {
        if (score == null) {
            return;
        }
        // Higher is better here; reported without a target (the issue asks for the figure).
        report.add(new Figure("7", "codec: " + name, "msg/s", List.of(score[0]), baselineName, List.of(baseline),
                Kind.NONE, 0));
    }
}
