package org.ddlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchitecturesTest {

    private static final Shape MNIST = new Shape(1, 28, 28);
    private static final Shape CIFAR = new Shape(3, 32, 32);

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Small widths so every architecture runs in well under a second on two cores. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "convnet:width=16",
                "convnet:width=8,norm=batch,pool=max",
                "convnet:width=8,norm=layer",
                "convnet:width=8,norm=none,pool=none,depth=2",
                "mlp",
                "lenet",
                "alexnet",
                "vgg11:width=8",
                "vgg11:width=8,norm=batch",
                "resnet18:width=8",
                "resnet18:width=8,norm=batch",
                "frepo-conv:width=8",
                "frepo-conv:width=8,norm=instance"
            })
    void logitsAndFeaturesHaveTheRightShapes(String spec) {
        for (Shape input : new Shape[] {MNIST, CIFAR}) {
            try (NDManager scope = manager.newSubManager()) {
                Network net = Architectures.create(spec, input, 10).initialize(scope, 1);
                NDArray x = scope.randomNormal(new Shape(2).addAll(input));
                NDArray features = net.features(x, true);
                NDArray logits = net.logits(x, true);
                assertEquals(new Shape(2, net.featureDim()), features.getShape(), spec + " " + input);
                assertEquals(new Shape(2, 10), logits.getShape(), spec + " " + input);
                assertTrue(Float.isFinite(logits.sum().getFloat()), spec);
                // The head on the features is the whole network.
                NDArray again = net.logitsFromFeatures(features, true);
                assertTrue(again.allClose(logits, 1e-4, 1e-5, false), spec);
                // Evaluation mode works too (batch norm switches to running statistics).
                assertEquals(new Shape(2, 10), net.logits(x, false).getShape(), spec);
            }
        }
    }

    @Test
    void convNetFeatureDimFollowsTheFormula() {
        // 28 → 14 → 7 → 3 and 32 → 16 → 8 → 4.
        assertEquals(128 * 3 * 3, Architectures.create("convnet", MNIST, 10).featureDim());
        assertEquals(1152, Architectures.create("convnet", MNIST, 10).featureDim());
        assertEquals(128 * 4 * 4, Architectures.create("convnet", CIFAR, 10).featureDim());
        assertEquals(
                16 * 3 * 3, Architectures.create("convnet:width=16", MNIST, 10).featureDim());
        assertEquals(
                16 * 7 * 7,
                Architectures.create("convnet:width=16,depth=2", MNIST, 10).featureDim());
        assertEquals(
                16 * 28 * 28,
                Architectures.create("convnet:width=16,depth=2,pool=none", MNIST, 10)
                        .featureDim());
        assertEquals(128, Architectures.create("mlp", MNIST, 10).featureDim());
        assertEquals(84, Architectures.create("lenet", CIFAR, 10).featureDim());
        assertEquals(3072, Architectures.create("alexnet", MNIST, 10).featureDim());
        assertEquals(
                48 * 4 * 4, Architectures.create("alexnet:width=32", MNIST, 10).featureDim());
        assertEquals(
                3072, Architectures.create("alexnet:width=128", MNIST, 10).featureDim(), "128 is the reference width");
        assertEquals(512, Architectures.create("vgg11", MNIST, 10).featureDim());
        assertEquals(512, Architectures.create("resnet18", CIFAR, 10).featureDim());
        // FRePo's: a grey image padded by 3 first (28 → 32), then 32 → 16 → 8 → 4 at widths 128, 256, 512.
        assertEquals(512 * 4 * 4, Architectures.create("frepo-conv", MNIST, 10).featureDim());
        assertEquals(8192, Architectures.create("frepo-conv", CIFAR, 10).featureDim());
        assertEquals(
                32 * 8 * 8,
                Architectures.create("frepo-conv:width=16,depth=2", MNIST, 10).featureDim());
    }

    /** Counts checked by hand against the PyTorch definitions (see the report for the arithmetic). */
    @Test
    void defaultParameterCountsMatchThePyTorchReferences() {
        try (NDManager scope = manager.newSubManager()) {
            assertEquals(308_746, count("convnet", MNIST, scope));
            assertEquals(320_010, count("convnet", CIFAR, scope));
            assertEquals(118_282, count("mlp", MNIST, scope));
            assertEquals(62_006, count("lenet", CIFAR, scope));
            assertEquals(1_872_202, count("alexnet", CIFAR, scope));
            assertEquals(9_231_114, count("vgg11", CIFAR, scope));
            assertEquals(11_173_962, count("resnet18", CIFAR, scope));
            // FRePo's Conv: 3×3 convolutions 1→128, 128→256, 256→512 with biases, then 8192 → 10.
            long convs = (9 * 128 + 128) + (9 * 128 * 256 + 256) + (9 * 256 * 512 + 512);
            assertEquals(convs + 8192 * 10 + 10, count("frepo-conv", MNIST, scope));
            assertEquals(1_558_538, count("frepo-conv", MNIST, scope));
            // Instance norm's scale and shift on the 128 and 256 channels entering the 2nd and 3rd convolutions.
            assertEquals(1_558_538 + 2 * (128 + 256), count("frepo-conv:norm=instance", MNIST, scope));
        }
    }

    private static long count(String spec, Shape input, NDManager scope) {
        return Architectures.create(spec, input, 10).initialize(scope, 0).parameterCount();
    }

    @Test
    void specIsCanonical() {
        Network net = Architectures.create(" ConvNet:norm=BATCH ", MNIST, 10);
        assertEquals("convnet:width=128,depth=3,norm=batch,pool=avg", net.spec());
        assertEquals("lenet", Architectures.create("lenet", MNIST, 10).spec());
        Network rebuilt = Architectures.create(net.spec(), MNIST, 10);
        assertEquals(net.spec(), rebuilt.spec());
        assertTrue(net.toString().contains("convnet:width=128"), net.toString());
        assertTrue(net.toString().contains("uninitialised"), net.toString());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Architectures.create("densenet", MNIST, 10));
        for (String name : Architectures.names()) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertEquals(
                java.util.List.of("convnet", "mlp", "lenet", "alexnet", "vgg11", "resnet18", "frepo-conv"),
                Architectures.names());
    }

    @Test
    void badOptionsFailClearly() {
        IllegalArgumentException typo =
                assertThrows(IllegalArgumentException.class, () -> Architectures.create("convnet:widht=64", MNIST, 10));
        assertTrue(typo.getMessage().contains("widht") && typo.getMessage().contains("width"), typo.getMessage());
        IllegalArgumentException norm = assertThrows(
                IllegalArgumentException.class, () -> Architectures.create("convnet:norm=group", MNIST, 10));
        assertTrue(norm.getMessage().contains("instance"), norm.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("convnet:width=abc", MNIST, 10));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("convnet:width=0", MNIST, 10));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("convnet:width", MNIST, 10));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("convnet:depth=6", MNIST, 10));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("resnet18:norm=none", CIFAR, 10));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("lenet:width=3", CIFAR, 10));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("mlp", new Shape(28, 28), 10));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create("mlp", MNIST, 0));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create(" ", MNIST, 10));
    }

    @Test
    void wrongInputShapeIsRejectedAtForward() {
        try (NDManager scope = manager.newSubManager()) {
            Network net = Architectures.create("convnet:width=4", MNIST, 10).initialize(scope, 0);
            NDArray cifar = scope.zeros(new Shape(2, 3, 32, 32));
            assertThrows(IllegalArgumentException.class, () -> net.logits(cifar, false));
            assertThrows(
                    IllegalStateException.class,
                    () -> Architectures.create("mlp", MNIST, 10).logits(scope.zeros(new Shape(1, 1, 28, 28)), false));
        }
    }
}
