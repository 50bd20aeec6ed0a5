package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutates valid images (the bundled kernel and the exitloop guest) and feeds them to the
 * parser and the loader: every outcome must be a load or an {@link ImageException} with a
 * message; anything else (another exception, a JVM crash) fails the run. Seeded: the same seed
 * gives the same cases; set -Djvmm.fuzz.seed and -Djvmm.fuzz.cases to reproduce or to go longer.
 */
class ImageFuzzTest {
    private static final long SEED = Long.getLong("jvmm.fuzz.seed", 0x6a766d6dL);
    private static final int CASES = Integer.getInteger("jvmm.fuzz.cases", 100_000);
    private static final long[] INTERESTING = {0, 1, -1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000L, 0xffffffffL,
            Long.MAX_VALUE, Long.MIN_VALUE, 0x100000, 0x1000, 0x3fff, 0x4000, 56, 64, 4096};

    @Test
    void mutatedImagesAreLoadedOrRejectedWithAMessage() throws Exception {
        byte[][] seeds = {BundledImage.bytes(), ImageFuzzTest.class.getResourceAsStream("/dev/jvmm/guest/exitloop.img").readAllBytes()};
        SplittableRandom random = new SplittableRandom(SEED);
        int loaded = 0;
        int rejected = 0;
        long started = System.nanoTime();
        try (GuestMemory memory = GuestMemory.allocate(16L << 20)) {
            for (int i = 0; i < CASES; i++) {
                byte[] image = mutate(seeds[random.nextInt(seeds.length)], random);
                try {
                    ElfImage elf = ElfImage.parse("case " + i, image);
                    PvhBoot.load(elf, memory, "fuzz", random.nextInt(8) == 0 ? new byte[random.nextInt(1 << 20)] : null);
                    loaded++;
                } catch (ImageException e) {
                    assertTrue(e.getMessage().startsWith("bad image case " + i + ": ") && e.getMessage().length() > 30, e.getMessage());
                    rejected++;
                } catch (dev.jvmm.vmm.JvmmException e) {
                    assertTrue(e.getMessage().contains("does not fit in guest memory"), "case " + i + " (seed " + SEED + "): " + e);
                    rejected++;
                } catch (RuntimeException e) {
                    throw new AssertionError("case " + i + " (seed " + SEED + ") failed with " + e, e);
                }
            }
        }
        assertEquals(CASES, loaded + rejected);
        assertTrue(loaded > 0 && rejected > CASES / 10, "loaded " + loaded + ", rejected " + rejected + ": the mutations should do both");
        System.out.printf("image fuzz: %d cases (seed %#x) in %d ms: %d loaded, %d rejected%n", CASES, SEED,
                (System.nanoTime() - started) / 1_000_000, loaded, rejected);
    }

    /** One to four mutations: a byte flip, an interesting value in an ELF header field or anywhere, a truncation. */
    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] image = original.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && image.length >= 16; m++) {
            ByteBuffer buffer = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
            switch (random.nextInt(5)) {
                case 0 -> image[random.nextInt(image.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> image[random.nextInt(image.length)] = (byte) random.nextInt(256);
                case 2 -> {                             // the headers: where a parser goes wrong
                    int at = random.nextInt(Math.min(image.length, 64 + 5 * 56) - 8);
                    long value = INTERESTING[random.nextInt(INTERESTING.length)];
                    switch (random.nextInt(3)) {
                        case 0 -> buffer.put(at, (byte) value);
                        case 1 -> buffer.putInt(at, (int) value);
                        default -> buffer.putLong(at, value);
                    }
                }
                case 3 -> image = Arrays.copyOf(image, random.nextInt(image.length + 1));
                default -> buffer.putLong(random.nextInt(image.length - 7), random.nextLong());
            }
        }
        return image;
    }
}
