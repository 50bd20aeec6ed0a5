package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A program's argv and environment as the bundled kernel reads them, byte-exact: an argument
 * block at the start of the first PVH module, with the program (if any) after it on a page
 * boundary, so that the kernel can still map the program's read-only pages in place. The same
 * bytes work as QEMU's {@code -initrd}. Layout (little-endian; docs/boot-protocol.md):
 *
 * <pre>
 *   0   "JVMMARGS"      magic
 *   8   u32 version     1
 *   12  u32 argc        at least 1
 *   16  u32 envc
 *   20  u32 strings     bytes of the strings area
 *   24  u32 block size  a multiple of 4096: where the program begins
 *   28  u32 program     0: the program is the rest of the module; else its size, and an
 *                       initramfs (newc cpio) follows from the next page boundary to the end
 *   32  u32 offsets[argc + envc]   where each string begins in the strings area
 *   ..  argv's strings, then envp's, each ending in a NUL
 * </pre>
 *
 * The sizes are Linux's execve limits with its default 8 MiB stack limit: each string at most
 * {@link #MAX_ARG_STRLEN} bytes with its NUL, and the strings with their 8-byte argv and envp
 * pointers at most {@link #ARG_MAX} bytes (a quarter of the stack limit). More is refused here,
 * as execve refuses it with E2BIG, before anything boots.
 */
public final class ArgumentBlock {
    public static final long MAGIC = 0x534752414d4d564aL;     // "JVMMARGS", little-endian
    static final int VERSION = 1;
    static final int HEADER_SIZE = 32;
    static final int PROGRAM_SIZE_OFFSET = 28;
    static final int PAGE_SIZE = 4096;
    /** The longest string, its NUL included (Linux's MAX_ARG_STRLEN, 32 pages). */
    public static final int MAX_ARG_STRLEN = 32 * PAGE_SIZE;
    /** The most that argv and envp may take: their strings and pointers (8 MiB RLIMIT_STACK / 4). */
    public static final int ARG_MAX = (8 << 20) / 4;

    private final byte[] block;

    private ArgumentBlock(byte[] block) {
        this.block = block;
    }

    /** argv (at least argv[0]) and the environment ("NAME=VALUE" entries), encoded as UTF-8. */
    public static ArgumentBlock of(List<String> argv, List<String> envp) {
        return ofBytes(argv.stream().map(ArgumentBlock::utf8).toList(), envp.stream().map(ArgumentBlock::utf8).toList());
    }

    /** argv (at least argv[0]) and envp as bytes: any byte but NUL. */
    public static ArgumentBlock ofBytes(List<byte[]> argv, List<byte[]> envp) {
        if (argv.isEmpty()) {
            throw new JvmmException("a program needs an argv[0]");
        }
        long total = 0;
        for (int i = 0; i < argv.size() + envp.size(); i++) {
            byte[] string = i < argv.size() ? argv.get(i) : envp.get(i - argv.size());
            String what = i < argv.size() ? "argv[" + i + "]" : "environment variable " + name(string);
            for (byte b : string) {
                if (b == 0) {
                    throw new JvmmException(what + " contains a NUL byte, which a C string cannot hold");
                }
            }
            if (string.length + 1 > MAX_ARG_STRLEN) {
                throw new JvmmException(what + " is " + (string.length + 1) + " bytes with its NUL; Linux's execve "
                        + "takes at most " + MAX_ARG_STRLEN + " per string (MAX_ARG_STRLEN): argument list too long");
            }
            total += string.length + 1 + 8;
        }
        if (total > ARG_MAX) {
            throw new JvmmException("argv and the environment take " + total + " bytes (" + argv.size() + " arguments, "
                    + envp.size() + " variables: their strings and 8-byte pointers); Linux's execve takes at most "
                    + ARG_MAX + " (a quarter of the 8 MiB stack limit): argument list too long");
        }
        int count = argv.size() + envp.size();
        int strings = (int) (total - 8L * count);
        int size = align(HEADER_SIZE + 4 * count + strings);
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(MAGIC).putInt(VERSION).putInt(argv.size()).putInt(envp.size()).putInt(strings).putInt(size).putInt(0);
        int offset = 0;
        for (int i = 0; i < count; i++) {
            buffer.putInt(offset);
            offset += (i < argv.size() ? argv.get(i) : envp.get(i - argv.size())).length + 1;
        }
        for (int i = 0; i < count; i++) {
            buffer.put(i < argv.size() ? argv.get(i) : envp.get(i - argv.size())).put((byte) 0);
        }
        return new ArgumentBlock(buffer.array());
    }

    /** The block alone: the kernel runs the built-in program argv[0] names. */
    public byte[] bytes() {
        return block.clone();
    }

    /** The block followed by the program: what jvmm passes as the PVH module, and QEMU as -initrd. */
    public byte[] module(byte[] program) {
        byte[] module = new byte[block.length + program.length];
        System.arraycopy(block, 0, module, 0, block.length);
        System.arraycopy(program, 0, module, block.length, program.length);
        return module;
    }

    /**
     * The block, the program, and an initramfs (a newc cpio archive) from the page boundary after
     * the program: one module, so that QEMU's single -initrd carries all three as jvmm's PVH
     * module does. The block's program field gives the program's size.
     */
    public byte[] module(byte[] program, byte[] initramfs) {
        if (program.length == 0) {
            throw new JvmmException("an initramfs goes with a program (a program field of 0 means there is no initramfs)");
        }
        int programEnd = align(block.length + program.length);
        byte[] module = new byte[programEnd + initramfs.length];
        System.arraycopy(block, 0, module, 0, block.length);
        ByteBuffer.wrap(module).order(ByteOrder.LITTLE_ENDIAN).putInt(PROGRAM_SIZE_OFFSET, program.length);
        System.arraycopy(program, 0, module, block.length, program.length);
        System.arraycopy(initramfs, 0, module, programEnd, initramfs.length);
        return module;
    }

    private static int align(int size) {
        return (size + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    private static byte[] utf8(String string) {
        return string.getBytes(StandardCharsets.UTF_8);
    }

    /** An environment entry's name, for messages: what precedes its first '='. */
    private static String name(byte[] entry) {
        String text = new String(entry, StandardCharsets.UTF_8);
        int equals = text.indexOf('=');
        String name = equals < 0 ? text : text.substring(0, equals);
        return name.length() > 40 ? name.substring(0, 40) + "..." : name;
    }
}
