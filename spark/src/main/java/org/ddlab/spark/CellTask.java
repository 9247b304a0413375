package org.ddlab.spark;

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
        TaskContext task = TaskContext.get();
        ResourceInformation gpu =
                task == null ? null : task.resources().get("gpu").getOrElse(() -> null);
        if (gpu == null || gpu.addresses().length == 0) {
            return AblationCells.run(ablateArgs, index);
        }
        int address = Integer.parseInt(gpu.addresses()[0]);
        return Devices.on(ai.djl.Device.gpu(address), () -> AblationCells.run(ablateArgs, index));
    }
}
