package dev.jvmm.api;

import java.nio.file.Path;

/**
 * What one {@link MicroVm.Builder#copyOut} directory received at the end of a run.
 *
 * @param guestDirectory the directory in the guest's file system
 * @param hostDirectory  where it went on the host
 * @param members        what was written: the directory itself, and each directory, regular file
 *                       and symlink below it
 * @param bytes          the regular files' bytes
 * @param problem        why the directory was not copied, or not wholly (the guest has no such
 *                       directory, the host could not write a file, the archive passed its
 *                       limit), or null
 */
public record CopiedDirectory(String guestDirectory, Path hostDirectory, int members, long bytes, String problem) {
}
