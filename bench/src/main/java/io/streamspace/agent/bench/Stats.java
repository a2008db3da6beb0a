package io.streamspace.agent.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Summary of a list of durations in milliseconds. Percentiles by nearest rank on the sorted samples. */
record Stats(int n, double min, double median, double p90, double max, double mean) {

    static Stats of(List<Double> samplesMs) {
        if (samplesMs.isEmpty()) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        List<Double> sorted = new ArrayList<>(samplesMs);
        Collections.sort(sorted);
        double sum = 0;
        for (double d : sorted) {
            sum += d;
        }
        return new Stats(sorted.size(), sorted.get(0), median(sorted), rank(sorted, 0.90),
                sorted.get(sorted.size() - 1), sum / sorted.size());
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double rank(List<Double> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
