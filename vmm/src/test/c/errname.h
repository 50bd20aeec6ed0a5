/* errno's name, for lines compared with the host's (musl has no strerrorname_np). */
#ifndef ERRNAME_H
#define ERRNAME_H

#include <errno.h>
#include <string.h>

static inline const char *errname(int error) {
    switch (error) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return strerror(error);
    }
}

#endif
