package org.ddlab.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.ddlab.cli.AblationCells;
import org.ddlab.engine.Devices;

/**
 * One grid cell as a Spark task: on the GPU Spark assigned the task, if it assigned one, else the executor's device.
 * An executor JVM runs one cell at a time, whatever its task slots: DJL's PyTorch engine records gradients for one
 * network per process at a time (its gradient collector is process-wide), so two cells training in one JVM would
 * fail. Extra slots of an executor ({@code local[N]}, {@code spark.executor.cores} above {@code spark.task.cpus})
 * wait here; parallelism comes from executors, each with one slot.
 */
final class CellTask {

    private static final ReentrantLock ONE_CELL_PER_JVM = new ReentrantLock();

    private CellTask() {}

    static AblationCells.Report run(List<String> ablateArgs, int index) throws Exception {
        ONE_CELL_PER_JVM.lockInterruptibly();
        try {
            return runHere(ablateArgs, index);
        } finally {
            ONE_CELL_PER_JVM.unlock();
        }
    }

    private static AblationCells.Report runHere(List<String> ablateArgs, int index) throws Exception {
        if (!AblationCells.outIsUri(ablateArgs)) {
            return onDevice(ablateArgs, index, null, d -> {});
        }
        // The cache lives on a file system named by a URI: run the cell in a local copy and copy it back as it goes.
        String uri = AblationCells.out(ablateArgs);
        RemoteCells remote = new RemoteCells(uri);
        Path local = RemoteCells.localFolder(uri, "cells");
        Path cell = AblationCells.cellDirectory(ablateArgs, local, index);
        remote.fetch(cell);
        return onDevice(ablateArgs, index, local, remote::push);
    }

    private static AblationCells.Report onDevice(
            List<String> ablateArgs, int index, Path local, java.util.function.Consumer<Path> afterEachStep)
            throws Exception {
        TaskContext task = TaskContext.get();
        ResourceInformation gpu =
                task == null ? null : task.resources().get("gpu").getOrElse(() -> null);
        if (gpu == null || gpu.addresses().length == 0) {
            return AblationCells.run(ablateArgs, local, index, afterEachStep);
        }
        int address = Integer.parseInt(gpu.addresses()[0]);
        return Devices.on(ai.djl.Device.gpu(address), () -> AblationCells.run(ablateArgs, local, index, afterEachStep));
    }
}
