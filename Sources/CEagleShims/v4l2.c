#include "eagle_v4l2.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <libv4l2.h>

int eagle_v4l2_open(const char *path, int flags) { return v4l2_open(path, flags); }

int eagle_v4l2_ioctl(int fd, unsigned long request, void *argument) {
    int result;
    do {
        result = v4l2_ioctl(fd, request, argument);
    } while (result == -1 && errno == EINTR);
    return result;
}

int eagle_v4l2_close(int fd) { return v4l2_close(fd); }

void *eagle_v4l2_mmap(void *start, size_t length, int prot, int flags, int fd, int64_t offset) {
    return v4l2_mmap(start, length, prot, flags, fd, offset);
}

int eagle_v4l2_munmap(void *start, size_t length) { return v4l2_munmap(start, length); }

uint32_t eagle_v4l2_fourcc(char a, char b, char c, char d) {
    return v4l2_fourcc(a, b, c, d);
}

const unsigned long EAGLE_VIDIOC_QUERYCAP = VIDIOC_QUERYCAP;
const unsigned long EAGLE_VIDIOC_ENUM_FMT = VIDIOC_ENUM_FMT;
const unsigned long EAGLE_VIDIOC_G_FMT = VIDIOC_G_FMT;
const unsigned long EAGLE_VIDIOC_S_FMT = VIDIOC_S_FMT;
const unsigned long EAGLE_VIDIOC_TRY_FMT = VIDIOC_TRY_FMT;
const unsigned long EAGLE_VIDIOC_ENUM_FRAMESIZES = VIDIOC_ENUM_FRAMESIZES;
const unsigned long EAGLE_VIDIOC_ENUM_FRAMEINTERVALS = VIDIOC_ENUM_FRAMEINTERVALS;
const unsigned long EAGLE_VIDIOC_G_PARM = VIDIOC_G_PARM;
const unsigned long EAGLE_VIDIOC_S_PARM = VIDIOC_S_PARM;
const unsigned long EAGLE_VIDIOC_REQBUFS = VIDIOC_REQBUFS;
const unsigned long EAGLE_VIDIOC_QUERYBUF = VIDIOC_QUERYBUF;
const unsigned long EAGLE_VIDIOC_QBUF = VIDIOC_QBUF;
const unsigned long EAGLE_VIDIOC_DQBUF = VIDIOC_DQBUF;
const unsigned long EAGLE_VIDIOC_STREAMON = VIDIOC_STREAMON;
const unsigned long EAGLE_VIDIOC_STREAMOFF = VIDIOC_STREAMOFF;
const unsigned long EAGLE_VIDIOC_QUERYCTRL = VIDIOC_QUERYCTRL;
const unsigned long EAGLE_VIDIOC_QUERY_EXT_CTRL = VIDIOC_QUERY_EXT_CTRL;
const unsigned long EAGLE_VIDIOC_QUERYMENU = VIDIOC_QUERYMENU;
const unsigned long EAGLE_VIDIOC_G_CTRL = VIDIOC_G_CTRL;
const unsigned long EAGLE_VIDIOC_S_CTRL = VIDIOC_S_CTRL;
const unsigned long EAGLE_VIDIOC_G_EXT_CTRLS = VIDIOC_G_EXT_CTRLS;
const unsigned long EAGLE_VIDIOC_S_EXT_CTRLS = VIDIOC_S_EXT_CTRLS;
const unsigned long EAGLE_VIDIOC_ENUMINPUT = VIDIOC_ENUMINPUT;
const unsigned long EAGLE_VIDIOC_G_INPUT = VIDIOC_G_INPUT;
const unsigned long EAGLE_VIDIOC_S_INPUT = VIDIOC_S_INPUT;
const unsigned long EAGLE_VIDIOC_G_DV_TIMINGS = VIDIOC_G_DV_TIMINGS;
const unsigned long EAGLE_VIDIOC_S_DV_TIMINGS = VIDIOC_S_DV_TIMINGS;
const unsigned long EAGLE_VIDIOC_ENUM_DV_TIMINGS = VIDIOC_ENUM_DV_TIMINGS;

const uint32_t EAGLE_V4L2_PIX_FMT_MJPEG = V4L2_PIX_FMT_MJPEG;
const uint32_t EAGLE_V4L2_PIX_FMT_JPEG = V4L2_PIX_FMT_JPEG;
const uint32_t EAGLE_V4L2_PIX_FMT_YUYV = V4L2_PIX_FMT_YUYV;
const uint32_t EAGLE_V4L2_PIX_FMT_GREY = V4L2_PIX_FMT_GREY;
const uint32_t EAGLE_V4L2_PIX_FMT_RGB24 = V4L2_PIX_FMT_RGB24;
