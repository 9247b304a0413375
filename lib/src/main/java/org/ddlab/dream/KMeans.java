package org.ddlab.dream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Seeds;

/**
 * K-Means (Lloyd's algorithm with k-means++ seeding) written as matrix products on the engine, so that
 * clustering one class's embeddings — 6000 × 1152 into 128 centres — takes about a second on two CPU
 * cores rather than the minutes a per-point loop needs. DREAM re-clusters every few steps, so this
 * speed decides whether it is usable on a CPU (the reference uses a GPU K-Means for the same reason).
 *
 * <p>Distances are ‖x‖² − 2·x·cᵀ + ‖c‖²; an iteration is two [n,d]×[d,k] products. Everything
 * random comes from the seed: the same data and seed give the same clustering.
 */
public final class KMeans {

    /** Lloyd iterations at most (the reference's fast_pytorch_kmeans stops at 100). */
    public static final int DEFAULT_MAX_ITERATIONS = 100;

    /**
     * A clustering.
     *
     * @param centres     k × d centres, row-major
     * @param dimension   d
     * @param assignments the centre of each point
     * @param inertia     sum of squared distances of the points to their centres
     * @param iterations  Lloyd iterations run (the last one changed no assignment, unless the cap was hit)
     */
    public record Result(float[] centres, int dimension, int[] assignments, double inertia, int iterations) {

        public int k() {
            return centres.length / dimension;
        }

        /** Points per centre. */
        public int[] sizes() {
            int[] n = new int[k()];
            for (int a : assignments) {
                n[a]++;
            }
            return n;
        }

        /**
         * DREAM's representatives: for each centre, the member of its own cluster nearest to it, as indices
         * into {@code data} (the points this clustering was fitted on). Clusters are disjoint, so the picks
         * are distinct and cover every cluster once — the nearest point overall need not (it can belong to a
         * neighbouring cluster, or be nearest to two centres; notebook 02's default profile met it).
         * A centre left without members takes its nearest point not already picked.
         */
        public int[] representatives(NDArray data) {
            Shape s = data.getShape();
            if (s.dimension() != 2 || s.get(0) != assignments.length || s.get(1) != dimension) {
                throw new IllegalArgumentException("representatives need the " + assignments.length + " × " + dimension
                        + " points this clustering was fitted on, got " + s);
            }
            float[] x = data.toType(DataType.FLOAT32, false).toFloatArray();
            int n = assignments.length;
            int k = k();
            int[] out = new int[k];
            double[] best = new double[k];
            Arrays.fill(out, -1);
            boolean[] used = new boolean[n];
            for (int i = 0; i < n; i++) {
                int j = assignments[i];
                double dist = squaredDistance(x, i, j);
                if (out[j] < 0 || dist < best[j]) {
                    out[j] = i;
                    best[j] = dist;
                }
            }
            for (int j = 0; j < k; j++) {
                if (out[j] >= 0) {
                    used[out[j]] = true;
                }
            }
            for (int j = 0; j < k; j++) {
                if (out[j] >= 0) {
                    continue;
                }
                double b = Double.POSITIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    if (used[i]) {
                        continue;
                    }
                    double dist = squaredDistance(x, i, j);
                    if (dist < b) {
                        b = dist;
                        out[j] = i;
                    }
                }
                used[out[j]] = true;
            }
            return out;
        }

        private double squaredDistance(float[] x, int point, int centre) {
            double sum = 0;
            for (int t = 0; t < dimension; t++) {
                double diff = x[point * dimension + t] - centres[centre * dimension + t];
                sum += diff * diff;
            }
            return sum;
        }
    }

    private KMeans() {}

    /** {@link #fit(NDArray, int, long, int)} with at most {@link #DEFAULT_MAX_ITERATIONS} iterations. */
    public static Result fit(NDArray data, int k, long seed) {
        return fit(data, k, seed, DEFAULT_MAX_ITERATIONS);
    }

    /**
     * Clusters the rows of {@code data} [n, d] into {@code k} groups. Stops when no point changes
     * centre or after {@code maxIterations}. A centre left without points takes the point farthest
     * from its own centre, so every centre ends with at least one point.
     */
    public static Result fit(NDArray data, int k, long seed, int maxIterations) {
        Shape s = data.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("K-Means needs points as rows of a matrix [n, d], got " + s);
        }
        int n = Math.toIntExact(s.get(0));
        int d = Math.toIntExact(s.get(1));
        if (k < 1 || k > n) {
            throw new IllegalArgumentException(
                    "cannot make " + k + " clusters of " + n + " points: k must be between 1 and " + n);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("K-Means needs at least one iteration, got " + maxIterations);
        }
        try (GradMode.Scope off = GradMode.off();
                NDManager scope = data.getManager().newSubManager()) {
            NDArray x = data.toType(DataType.FLOAT32, true);
            x.attach(scope);
            NDArray xx = x.square().sum(new int[] {1}); // [n]
            NDArray xt = x.transpose(); // [d, n], once
            NDArray xxRow = xx.reshape(1, n);
            float[] xs = x.toFloatArray();
            float[] centres = seed(x, xx, xs, n, d, k, Seeds.at(seed, 0, 0x6b6d65616e73L));
            int[] assign = new int[n];
            Arrays.fill(assign, -1);
            int it = 0;
            float[] best = new float[n];
            while (it < maxIterations) {
                it++;
                int[] next = nearest(scope, xt, xxRow, centres, k, d, best);
                boolean changed = !Arrays.equals(next, assign);
                assign = next;
                centres = update(scope, x, xs, assign, best, centres, n, d, k);
                if (!changed) {
                    break;
                }
            }
            // Assignments and inertia against the final centres.
            assign = nearest(scope, xt, xxRow, centres, k, d, best);
            double inertia = 0;
            for (float v : best) {
                inertia += Math.max(0, v);
            }
            return new Result(centres, d, assign, inertia, it);
        }
    }

    /** k-means++: the first centre uniformly, each next one with probability ∝ squared distance to the nearest chosen. */
    private static float[] seed(NDArray x, NDArray xx, float[] xs, int n, int d, int k, SplittableRandom rng) {
        float[] centres = new float[k * d];
        double[] d2 = new double[n];
        Arrays.fill(d2, Double.POSITIVE_INFINITY);
        float[] norms = xx.toFloatArray();
        int pick = rng.nextInt(n);
        for (int j = 0; j < k; j++) {
            System.arraycopy(xs, pick * d, centres, j * d, d);
            if (j == k - 1) {
                break;
            }
            try (NDArray c = x.getManager().create(Arrays.copyOfRange(xs, pick * d, pick * d + d), new Shape(d, 1));
                    NDArray dot = x.matMul(c)) {
                float[] dots = dot.toFloatArray();
                double total = 0;
                for (int i = 0; i < n; i++) {
                    double v = Math.max(0, norms[i] - 2.0 * dots[i] + norms[pick]);
                    if (v < d2[i]) {
                        d2[i] = v;
                    }
                    total += d2[i];
                }
                if (total <= 0) {
                    // Fewer distinct points than centres: take any point not chosen yet.
                    pick = (pick + 1) % n;
                    continue;
                }
                double r = rng.nextDouble() * total;
                int next = n - 1;
                for (int i = 0; i < n; i++) {
                    r -= d2[i];
                    if (r < 0) {
                        next = i;
                        break;
                    }
                }
                pick = next;
            }
        }
        return centres;
    }

    /**
     * Nearest centre of every point; fills {@code best} with the squared distance to it. The centres are
     * the first operand of every product, so all [k, n] temporaries belong to the iteration's own
     * manager and are freed with it (a result belongs to its first operand's manager).
     */
    private static int[] nearest(
            NDManager scope, NDArray xt, NDArray xxRow, float[] centres, int k, int d, float[] best) {
        try (NDManager step = scope.newSubManager()) {
            NDArray c = step.create(centres, new Shape(k, d));
            NDArray dist = c.matMul(xt)
                    .mul(-2)
                    .add(c.square().sum(new int[] {1}).reshape(k, 1))
                    .add(xxRow); // [k, n]
            NDArray arg = dist.argMin(0);
            NDArray min = dist.min(new int[] {0});
            System.arraycopy(min.toFloatArray(), 0, best, 0, best.length);
            return arg.toType(DataType.INT32, false).toIntArray();
        }
    }

    /** Centres as the means of their points (one [k,n]×[n,d] product); empty ones re-seeded far away. */
    private static float[] update(
            NDManager scope, NDArray x, float[] xs, int[] assign, float[] best, float[] old, int n, int d, int k) {
        int[] counts = new int[k];
        for (int a : assign) {
            counts[a]++;
        }
        float[] sums;
        try (NDManager step = scope.newSubManager()) {
            float[] oneHot = new float[k * n];
            for (int i = 0; i < n; i++) {
                oneHot[assign[i] * n + i] = 1f;
            }
            sums = step.create(oneHot, new Shape(k, n)).matMul(x).toFloatArray();
        }
        float[] centres = new float[k * d];
        boolean[] taken = new boolean[n];
        for (int j = 0; j < k; j++) {
            if (counts[j] > 0) {
                float inv = 1f / counts[j];
                for (int t = 0; t < d; t++) {
                    centres[j * d + t] = sums[j * d + t] * inv;
                }
                continue;
            }
            // An empty cluster: restart it at the point worst served by its centre (deterministic).
            int far = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (far < 0 || best[i] > best[far])) {
                    far = i;
                }
            }
            taken[far] = true;
            best[far] = 0;
            System.arraycopy(xs, far * d, centres, j * d, d);
        }
        return centres;
    }
}
