/**
 * The parts of IDC (Kim et al., ICML 2022, "Dataset Condensation via Efficient Synthetic-Data
 * Parameterization"; reference code snu-mllab/Efficient-Dataset-Condensation), which DREAM builds on:
 * {@link org.ddlab.idc.MultiFormation} (f×f small images per stored image, decoded by bilinear
 * upsampling, and the 'mix' initialisation), {@link org.ddlab.idc.IdcDistance} (the gradient distance
 * over convolution weights), {@link org.ddlab.idc.IdcAugment} (IDC's augmentation as DSA presets),
 * {@link org.ddlab.train.CutMix} (the network updates' mixing) and {@link org.ddlab.idc.IdcConfig} (the
 * reference's settings per dataset).
 *
 * <p>One matching of class c, as the reference's inner step does it:
 * <pre>{@code
 * IdcConfig config = IdcConfig.defaults("cifar10", 10, IdcConfig.REFERENCE_ITERATIONS);
 * IdcDistance distance = config.distance();
 * List<NDArray> w = distance.matched(net).stream().map(Parameter::getArray).toList();
 * DsaAugment aug = new DsaAugment(config.matchingAugment());
 * Draw draw = aug.sampleShared(rng);                                  // one draw for real and synthetic
 * List<NDArray> gReal = Gradients.of(Loss.CROSS_ENTROPY.compute(net.logits(aug.apply(real, draw), true), realLabels), w);
 * NDArray decoded = MultiFormation.decode(storedOfClass, config.factor()); // [ipc·f², C, H, W], from a leaf
 * // more than config.synBatchMax() decoded images: match a random subset of that many
 * List<NDArray> gSyn = Gradients.differentiable(
 *         Loss.CROSS_ENTROPY.compute(net.logits(aug.apply(decoded, draw), true), synLabels), w);
 * NDArray pixelGradient = Gradients.of(distance.between(gSyn, gReal), storedOfClass);
 * }</pre>
 * Images are stored in [0, 1] and normalised before augmentation, as in the reference.
 */
package org.ddlab.idc;
