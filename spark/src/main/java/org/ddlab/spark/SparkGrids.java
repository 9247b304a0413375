package org.ddlab.spark;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.ddlab.ablate.Ablation;
import org.ddlab.cli.AblationCells;
import org.ddlab.cli.GridEngine;

/**
 * The grid engine on Apache Spark: one task per unfinished cell, each running {@link AblationCells#run} on an
 * executor. Spark retries a task whose executor is lost (up to {@code spark.task.maxFailures}, 4 on a cluster);
 * the retry resumes the cell from its last checkpoint in the shared cache directory, and a cell whose result is
 * there already is read back, not run again. A cell that fails for a reason of its own ends its task normally with
 * the failure recorded, so it never costs the grid its other cells.
 *
 * <p>Executors see the driver's {@code DDLAB_*} and {@code OMP_NUM_THREADS} environment (what the profile, data
 * and threads default to) unless {@code spark.executorEnv.*} says otherwise, and load no model or dataset from the
 * network ({@code -Dai.djl.offline=true}). With GPUs scheduled ({@code spark.task.resource.gpu.amount=1}), each task
 * computes on the GPU Spark assigned it ({@link CellTask}).
 */
public final class SparkGrids implements GridEngine {

    @Override
    public Set<Integer> run(
            String master, String name, List<String> ablateArgs, List<Integer> indices, Ablation.Listener listener)
            throws Exception {
        SparkConf conf = new SparkConf().setAppName("ddlab ablate: " + name);
        if (master != null) {
            conf.setMaster(master);
        }
        configure(conf, System.getenv());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            AtomicInteger ended = new AtomicInteger();
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    int done = end.taskInfo().successful() ? ended.incrementAndGet() : ended.get();
                    int cell = indices.get(end.taskInfo().index());
                    listener.update(
                            done,
                            indices.size(),
                            "cell " + (cell + 1) + (end.taskInfo().successful() ? " ended" : " lost, retried")
                                    + " on executor " + end.taskInfo().executorId() + " (" + done + "/"
                                    + indices.size() + " cells)");
                }
            });
            List<String> args = List.copyOf(ablateArgs);
            List<AblationCells.Report> reports = sc.parallelize(indices, indices.size())
                    .map(i -> CellTask.run(args, i))
                    .collect();
            Set<Integer> computed = new HashSet<>();
            for (AblationCells.Report r : reports) {
                if (r.computed()) {
                    computed.add(r.index());
                }
            }
            return computed;
        }
    }

    @Override
    public java.nio.file.Path mirror(String uri) throws java.io.IOException {
        java.nio.file.Path mirror = RemoteCells.localFolder(uri, "mirror");
        new RemoteCells(uri).mirror(mirror);
        return mirror;
    }

    /**
     * What every ddlab grid needs of Spark, set only where the user's configuration ({@code --conf},
     * {@code spark-defaults.conf}) says nothing: the executors' environment and JVM options, and on
     * {@code local-cluster} the class path of the executors it starts on this machine.
     */
    static void configure(SparkConf conf, Map<String, String> env) {
        env.forEach((k, v) -> {
            if ((k.startsWith("DDLAB_") || k.equals("OMP_NUM_THREADS")) && !conf.contains("spark.executorEnv." + k)) {
                conf.setExecutorEnv(k, v);
            }
        });
        StringBuilder options = new StringBuilder("-Dai.djl.offline=true -Xss4m --enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            options.append(" --sun-misc-unsafe-memory-access=allow"); // Spark's and Arrow's Unsafe, quietly
        }
        conf.setIfMissing("spark.executor.extraJavaOptions", options.toString());
        String master = conf.get("spark.master", "");
        if (master.startsWith("local-cluster")) {
            LocalCluster.prepare(conf);
        }
    }
}
