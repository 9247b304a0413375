package org.ddlab.spark;

import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.ddlab.cli.AblationCells;
import org.ddlab.engine.Devices;

/** One grid cell as a Spark task: on the GPU Spark assigned the task, if it assigned one, else the executor's device. */
final class CellTask {

    private CellTask() {}

    static AblationCells.Report run(List<String> ablateArgs, int index) throws Exception {
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
