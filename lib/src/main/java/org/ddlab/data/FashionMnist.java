package org.ddlab.data;

/** TEMPORARY placeholder so the build compiles; replaced by the data helper. */
public final class FashionMnist {
    private FashionMnist() {
    }

    public static String describeLocation() {
        return "not yet implemented";
    }
}
