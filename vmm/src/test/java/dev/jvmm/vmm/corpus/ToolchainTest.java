package dev.jvmm.vmm.corpus;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the toolchains make by default, which the corpus relies on to cover what it claims: Rust's
 * +crt-static is a static-pie (ET_DYN without an interpreter), g++ -static and busybox-static are
 * fixed-address static executables (ET_EXEC without an interpreter).
 */
class ToolchainTest {
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    static final int PT_INTERP = 3;

    record Elf(int type, boolean interpreter) {
        static Elf of(byte[] file) {
            ByteBuffer elf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            long phoff = elf.getLong(0x20);
            int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
            int phnum = Short.toUnsignedInt(elf.getShort(0x38));
            boolean interpreter = false;
            for (int i = 0; i < phnum; i++) {
                interpreter |= elf.getInt((int) phoff + i * phentsize) == PT_INTERP;
            }
            return new Elf(Short.toUnsignedInt(elf.getShort(0x10)), interpreter);
        }
    }

    @Test
    void rustcWithCrtStaticMakesAStaticPie() {
        assertEquals(new Elf(ET_DYN, false), Elf.of(Program.rust("features").bytes()));
    }

    @Test
    void gxxStaticAndBusyboxAreStaticExecutables() {
        assertEquals(new Elf(ET_EXEC, false), Elf.of(Program.cxx("features").bytes()));
        assertEquals(new Elf(ET_EXEC, false), Elf.of(Program.busybox().bytes()));
    }
}
