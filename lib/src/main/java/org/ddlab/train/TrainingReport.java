package org.ddlab.train;

/**
 * What a training run did.
 *
 * @param epochs      epochs run
 * @param steps       optimiser steps taken
 * @param images      training images processed (epochs × set size for the whole-set shuffle)
 * @param finalLoss   mean loss of the last epoch
 * @param seconds     wall time of training
 */
public record TrainingReport(int epochs, long steps, long images, double finalLoss, double seconds) {

    /** Training throughput, images per second. */
    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : Double.NaN;
    }
}
