/**
 * Architectures for dataset distillation and evaluation: ConvNet (the DC/DSA/DM/FRePo/DREAM
 * backbone), MLP, LeNet, AlexNet, VGG-11 and ResNet-18 for 28×28×1 and 32×32×3 images, built by name
 * with {@link org.ddlab.nn.Architectures#create}.
 *
 * <p>A forward pass with gradients to the pixels and to the weights:
 * <pre>{@code
 * Network net = Architectures.create("convnet:width=128", new Shape(1, 28, 28), 10).initialize(manager, seed);
 * try (NDManager step = manager.newSubManager()) {          // everything per-step dies here
 *     NDArray images = step.create(pixels, new Shape(n, 1, 28, 28));
 *     images.setRequiresGradient(true);
 *     try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
 *         NDArray logits = net.logits(images, true);          // or net.features(images, true) → [n, F]
 *         NDArray loss = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), new NDList(logits));
 *         collector.backward(loss);
 *     }
 *     NDArray pixelGradient = images.getGradient();           // [n, 1, 28, 28], in step's manager
 *     // weight gradients: net.parameters().get(i).getArray().getGradient() (close these handles)
 *     net.zeroGradients();                                     // the engine accumulates otherwise
 * }
 * }</pre>
 */
package org.ddlab.nn;
