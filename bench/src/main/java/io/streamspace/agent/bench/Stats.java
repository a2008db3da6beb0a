package io.streamspace.agent.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Summary of a list of samples. Percentiles by nearest rank on the sorted samples. */
record Stats(int n, double min, double p10, double median, double p90, double p99, double max, double mean) {

    static Stats of(List<Double> samples) {
        if (samples.isEmpty()) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        double sum = 0;
        for (double d : sorted) {
            sum += d;
        }
        return new Stats(sorted.size(), sorted.get(0), rank(sorted, 0.10), middle(sorted), rank(sorted, 0.90),
                rank(sorted, 0.99), sorted.get(sorted.size() - 1), sum / sorted.size());
    }

    private static double middle(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double rank(List<Double> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
