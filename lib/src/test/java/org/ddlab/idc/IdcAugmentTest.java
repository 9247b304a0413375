package org.ddlab.idc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.ddlab.augment.Draw;
import org.ddlab.augment.DsaAugment;
import org.ddlab.augment.DsaParams;
import org.ddlab.augment.Operation;
import org.junit.jupiter.api.Test;

class IdcAugmentTest {

    /** DiffAug applies color, then crop, then cutout on every call; DSA's reference default would pick one. */
    @Test
    void matchingAppliesColorCropAndCutoutEveryTime() {
        DsaAugment dsa = new DsaAugment(IdcAugment.matching());
        Random r = new Random(1);
        for (int i = 0; i < 50; i++) {
            assertEquals(
                    List.of(Operation.COLOR, Operation.CROP, Operation.CUTOUT),
                    dsa.sampleShared(r).operations());
        }
        assertEquals(DsaParams.Mode.ALL, IdcAugment.matching().mode());
    }

    @Test
    void operationsFollowDiffAugsFixedOrder() {
        assertEquals(
                List.of(Operation.FLIP, Operation.COLOR, Operation.CROP, Operation.CUTOUT),
                IdcAugment.params("cutout_crop_color_flip").strategy());
        assertEquals(
                List.of(Operation.COLOR, Operation.CROP),
                IdcAugment.params("color_crop").strategy());
        assertEquals(List.of(), IdcAugment.params("none").strategy());
    }

    /** The strengths of DiffAug: b + (U−0.5)·1, saturation 2U, contrast U+0.5, shift ≤ int(32·0.125+0.5) = 4, cutout 16. */
    @Test
    void strengthsAreDiffAugsConstants() {
        DsaAugment dsa = new DsaAugment(IdcAugment.matching());
        Random r = new Random(2);
        float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        float[] hi = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        int minShift = 0;
        int maxShift = 0;
        for (int i = 0; i < 3000; i++) {
            Draw d = dsa.sampleShared(r);
            float[] v = {d.brightness(0), d.saturation(0), d.contrast(0)};
            for (int k = 0; k < 3; k++) {
                lo[k] = Math.min(lo[k], v[k]);
                hi[k] = Math.max(hi[k], v[k]);
            }
            minShift = Math.min(minShift, Math.min(d.shiftRows(0, 32), d.shiftCols(0, 32)));
            maxShift = Math.max(maxShift, Math.max(d.shiftRows(0, 32), d.shiftCols(0, 32)));
            int[] box = d.cutoutBox(0, 32, 32);
            assertTrue(box[1] - box[0] <= 16 && box[3] - box[2] <= 16);
        }
        assertArrayEquals(new float[] {-0.5f, 0f, 0.5f}, lo, 0.01f);
        assertArrayEquals(new float[] {0.5f, 2f, 1.5f}, hi, 0.01f);
        assertEquals(-4, minShift);
        assertEquals(4, maxShift);
    }

    /** IDC augments real and synthetic images concatenated with one draw: the same as each half with that draw. */
    @Test
    void oneDrawServesTheConcatenatedBatchOrEachHalf() {
        try (NDManager m = NDManager.newBaseManager()) {
            DsaAugment dsa = new DsaAugment(IdcAugment.matching());
            NDArray real = m.randomNormal(new Shape(5, 3, 16, 16));
            NDArray syn = m.randomNormal(new Shape(3, 3, 16, 16));
            Draw draw = dsa.sampleShared(new Random(4));
            NDArray together = dsa.apply(real.concat(syn, 0), draw);
            NDArray apart = dsa.apply(real, draw).concat(dsa.apply(syn, draw), 0);
            assertArrayEquals(together.toFloatArray(), apart.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void networkUpdatesDropCutoutUnderCutMix() {
        assertEquals("color_crop", IdcAugment.withoutCutout(IdcAugment.MATCHING));
        assertEquals("color_crop_flip_scale_rotate", IdcAugment.withoutCutout("color_crop_cutout_flip_scale_rotate"));
    }

    @Test
    void severalGeometricOperationsAreRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> IdcAugment.params("color_crop_scale_rotate"));
        assertEquals(
                "IDC augmentation 'color_crop_scale_rotate' has 3 geometric operations (crop_scale_rotate); IDC picks "
                        + "one of them per batch, which DSA's modes cannot express — use at most one of crop, scale, rotate.",
                e.getMessage());
    }

    /** Evaluation: flip (not for digits) and colour always, one of crop, scale, rotate; no cutout, as CutMix is on. */
    @Test
    void evaluationChoosesOneGeometricOperationAndDropsFlipForDigits() {
        for (String dataset : List.of("fashion-mnist", "cifar10", "mnist", "svhn")) {
            List<DsaParams> choices = IdcAugment.evaluationChoices(dataset);
            boolean digits = dataset.equals("mnist") || dataset.equals("svhn");
            assertEquals(
                    List.of(Operation.CROP, Operation.SCALE, Operation.ROTATE),
                    choices.stream()
                            .map(p -> p.strategy().get(p.strategy().size() - 1))
                            .toList(),
                    dataset);
            for (DsaParams p : choices) {
                assertEquals(DsaParams.Mode.ALL, p.mode());
                assertEquals(
                        digits ? List.of(Operation.COLOR) : List.of(Operation.FLIP, Operation.COLOR),
                        p.strategy().subList(0, p.strategy().size() - 1),
                        dataset);
                assertFalse(p.strategy().contains(Operation.CUTOUT), dataset);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(4, 1, 8, 8));
            NDArray a = IdcAugment.evaluation("fashion-mnist").apply(x, new java.util.Random(3));
            NDArray b = IdcAugment.evaluation("fashion-mnist").apply(x, new java.util.Random(3));
            assertEquals(x.getShape(), a.getShape());
            assertTrue(a.contentEquals(b), "a seed fixes the augmentation");
            assertFalse(a.contentEquals(x), "it changes the images");
        }
    }
}
