package org.ddlab.train;

/** Told after every epoch, e.g. to advance a progress bar or record a loss curve. */
@FunctionalInterface
public interface TrainingListener {

    TrainingListener NONE = (epoch, epochs, loss) -> {};

    /** {@code epoch} counts from 1; {@code loss} is the epoch's mean training loss. */
    void onEpoch(int epoch, int epochs, double loss);
}
