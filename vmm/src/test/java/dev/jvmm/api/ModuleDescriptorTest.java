package dev.jvmm.api;

import dev.jvmm.kvm.kvm_h;
import org.junit.jupiter.api.Test;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library as a module (the tests themselves run on the class path): it exports the API and
 * the JUnit extension alone to its users, the VMM's packages only to the jvmm command's module,
 * carries no CLI (no picocli), resolves against its dependencies as modules, and finds the
 * bundled kernel from inside a named module.
 */
class ModuleDescriptorTest {

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void theLibraryExportsTheApiAndTheJunitExtensionOnly() throws Exception {
        ModuleDescriptor module = ModuleFinder.of(location(MicroVm.class)).find("dev.jvmm").orElseThrow().descriptor();
        assertEquals(Set.of("dev.jvmm.api", "dev.jvmm.junit"), module.exports().stream()
                .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(module.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                        .allMatch(e -> e.source().startsWith("dev.jvmm.vmm") && e.targets().equals(Set.of("dev.jvmm.cli"))),
                "the VMM's packages go to the jvmm command alone: " + module.exports());
        assertEquals(Set.of("dev.jvmm.junit to [org.junit.platform.commons]"),
                module.opens().stream().map(o -> o.source() + " to " + o.targets()).collect(Collectors.toSet()));
        assertTrue(module.requires().stream().noneMatch(r -> r.name().startsWith("info.picocli")), "no CLI in the library: " + module.requires());
        assertTrue(module.packages().stream().noneMatch(p -> p.startsWith("dev.jvmm.cli") || p.startsWith("dev.jvmm.vmm.cli")
                || p.startsWith("dev.jvmm.vmm.bench")), "no CLI or benchmark harness: " + module.packages());
    }

    @Test
    void inALayerTheModuleResolvesHidesItsInternalsAndFindsTheBundledKernel() throws Exception {
        ModuleFinder finder = ModuleFinder.of(location(MicroVm.class), location(kvm_h.class),
                // Commons Compress (the initramfs check) and what its module requires.
                location(org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream.class),
                location(org.apache.commons.io.IOUtils.class), location(org.apache.commons.lang3.StringUtils.class),
                location(org.apache.commons.codec.binary.Hex.class));
        Configuration configuration = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("dev.jvmm"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
        Module jvmm = layer.findModule("dev.jvmm").orElseThrow();
        assertTrue(jvmm.isNamed());
        assertFalse(jvmm.isExported("dev.jvmm.vmm"), "the VMM stays inside");
        Class<?> image = layer.findLoader("dev.jvmm").loadClass("dev.jvmm.api.GuestImage");
        assertEquals(jvmm, image.getModule());
        Object bundled = image.getMethod("bundled").invoke(null);
        String protocol = (String) image.getMethod("protocol").invoke(bundled);
        assertTrue(protocol.startsWith("PVH"), protocol);
    }
}
