package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.MultibootKernels;
import dev.jvmm.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutates the multiboot test kernels (ELF32, ELF64, a.out kludge) and feeds them to the protocol
 * choice, the parsers and the loader, with random modules: every outcome must be a load, an
 * {@link ImageException} naming the image, or jvmm's message that the modules do not fit;
 * anything else fails the run. Half the mutations of the multiboot header are followed by a
 * fixed-up checksum, so the header's fields reach the parser. Seeded, as {@link ImageFuzzTest}:
 * -Djvmm.fuzz.seed and -Djvmm.fuzz.cases reproduce a case or go longer.
 */
class MultibootFuzzTest {
    private static final long SEED = Long.getLong("jvmm.fuzz.seed", 0x6d62_6f6f74L);
    private static final int CASES = Integer.getInteger("jvmm.fuzz.cases", 100_000);
    private static final int[] INTERESTING = {0, 1, -1, 4, 0x20, 0x1000, 0x7fff, 0x8000, 0xffff, 0x10000, 0x10003, 0x10007,
            0x100000, 0x100020, 0x1ff000, 0x7fffffff, 0x80000000, 0xfffff000, MultibootImage.HEADER_MAGIC};

    /** Module contents: mostly small; now and then one that fills most of RAM or does not fit in it (8 MiB here). */
    private static final byte[][] SMALL = {new byte[0], new byte[1], new byte[100], new byte[4097]};
    private static final byte[][] LARGE = {new byte[3 << 20], new byte[7 << 20], new byte[9 << 20]};

    @Test
    void mutatedImagesAreLoadedOrRejectedWithAMessage() {
        byte[][] seeds = {MultibootKernels.bytes(MultibootKernels.ELF32), MultibootKernels.bytes(MultibootKernels.ELF64),
                MultibootKernels.bytes(MultibootKernels.AOUT)};
        SplittableRandom random = new SplittableRandom(SEED);
        int loaded = 0;
        int rejected = 0;
        long started = System.nanoTime();
        try (GuestMemory memory = GuestMemory.allocate(8L << 20)) {
            for (int i = 0; i < CASES; i++) {
                byte[] image = mutate(seeds[random.nextInt(seeds.length)], random);
                List<BootModule> modules = new ArrayList<>();
                for (int m = random.nextInt(4); m > 0; m--) {
                    byte[] contents = random.nextInt(32) == 0 ? LARGE[random.nextInt(LARGE.length)] : SMALL[random.nextInt(SMALL.length)];
                    modules.add(new BootModule("m" + m, contents, random.nextBoolean() ? "arg" : null));
                }
                try {
                    BootImage boot = BootImage.parse("case " + i, image);
                    BootLoader.load(boot, memory, "fuzz", null, boot instanceof MultibootImage ? modules : List.of());
                    loaded++;
                } catch (ImageException e) {
                    assertTrue(e.getMessage().startsWith("bad image case " + i + ": ") && e.getMessage().length() > 30, e.getMessage());
                    rejected++;
                } catch (JvmmException e) {
                    assertTrue(e.getMessage().contains("does not fit in guest RAM"), "case " + i + " (seed " + SEED + "): " + e);
                    rejected++;
                } catch (RuntimeException e) {
                    throw new AssertionError("case " + i + " (seed " + SEED + ") failed with " + e, e);
                }
            }
        }
        assertEquals(CASES, loaded + rejected);
        assertTrue(loaded > CASES / 10 && rejected > CASES / 10, "loaded " + loaded + ", rejected " + rejected + ": the mutations should do both");
        System.out.printf("multiboot fuzz: %d cases (seed %#x) in %d ms: %d loaded, %d rejected%n", CASES, SEED,
                (System.nanoTime() - started) / 1_000_000, loaded, rejected);
    }

    /** One to four mutations: in the multiboot header (checksum fixed or not), the ELF headers, anywhere, or a truncation. */
    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] image = original.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && image.length >= 64; m++) {
            ByteBuffer buffer = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
            int header = MultibootImage.findHeader(image);
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    if (header < 0) {
                        break;
                    }
                    int field = header + 4 * (1 + random.nextInt(7));       // flags, checksum, the five address fields
                    if (field + 4 <= image.length) {
                        buffer.putInt(field, random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)]
                                : buffer.getInt(field) + random.nextInt(-0x2000, 0x2000));
                    }
                    if (random.nextBoolean()) {
                        buffer.putInt(header + 8, -(MultibootImage.HEADER_MAGIC + buffer.getInt(header + 4)));
                    }
                }
                case 2 -> {                                                 // the ELF header and program headers
                    int at = random.nextInt(Math.min(image.length, 64 + 4 * 56) - 8);
                    int value = INTERESTING[random.nextInt(INTERESTING.length)];
                    if (random.nextBoolean()) {
                        buffer.putInt(at, value);
                    } else {
                        buffer.put(at, (byte) value);
                    }
                }
                case 3 -> image[random.nextInt(image.length)] ^= (byte) (1 << random.nextInt(8));
                case 4 -> image = Arrays.copyOf(image, random.nextInt(image.length + 1));
                default -> buffer.putLong(random.nextInt(image.length - 7), random.nextLong());
            }
        }
        return image;
    }
}
