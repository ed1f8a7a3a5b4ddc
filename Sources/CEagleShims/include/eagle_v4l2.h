// libv4l2 behind non-variadic functions, and the V4L2 ioctl request codes and pixel formats,
// which the kernel header defines through function-like macros (_IOWR, v4l2_fourcc) that
// Swift cannot import.
#ifndef EAGLE_V4L2_H
#define EAGLE_V4L2_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/videodev2.h>

#ifdef __cplusplus
extern "C" {
#endif

/// v4l2_open without the variadic mode argument (devices are never created).
int eagle_v4l2_open(const char *path, int flags);
/// v4l2_ioctl with one argument, retried while it fails with EINTR; -1 and errno on failure.
int eagle_v4l2_ioctl(int fd, unsigned long request, void *argument);
int eagle_v4l2_close(int fd);
void *eagle_v4l2_mmap(void *start, size_t length, int prot, int flags, int fd, int64_t offset);
int eagle_v4l2_munmap(void *start, size_t length);

/// The four-character code of a pixel format, as the v4l2_fourcc macro builds it.
uint32_t eagle_v4l2_fourcc(char a, char b, char c, char d);

extern const unsigned long EAGLE_VIDIOC_QUERYCAP;
extern const unsigned long EAGLE_VIDIOC_ENUM_FMT;
extern const unsigned long EAGLE_VIDIOC_G_FMT;
extern const unsigned long EAGLE_VIDIOC_S_FMT;
extern const unsigned long EAGLE_VIDIOC_TRY_FMT;
extern const unsigned long EAGLE_VIDIOC_ENUM_FRAMESIZES;
extern const unsigned long EAGLE_VIDIOC_ENUM_FRAMEINTERVALS;
extern const unsigned long EAGLE_VIDIOC_G_PARM;
extern const unsigned long EAGLE_VIDIOC_S_PARM;
extern const unsigned long EAGLE_VIDIOC_REQBUFS;
extern const unsigned long EAGLE_VIDIOC_QUERYBUF;
extern const unsigned long EAGLE_VIDIOC_QBUF;
extern const unsigned long EAGLE_VIDIOC_DQBUF;
extern const unsigned long EAGLE_VIDIOC_STREAMON;
extern const unsigned long EAGLE_VIDIOC_STREAMOFF;
extern const unsigned long EAGLE_VIDIOC_QUERYCTRL;
extern const unsigned long EAGLE_VIDIOC_QUERY_EXT_CTRL;
extern const unsigned long EAGLE_VIDIOC_QUERYMENU;
extern const unsigned long EAGLE_VIDIOC_G_CTRL;
extern const unsigned long EAGLE_VIDIOC_S_CTRL;
extern const unsigned long EAGLE_VIDIOC_G_EXT_CTRLS;
extern const unsigned long EAGLE_VIDIOC_S_EXT_CTRLS;
extern const unsigned long EAGLE_VIDIOC_ENUMINPUT;
extern const unsigned long EAGLE_VIDIOC_G_INPUT;
extern const unsigned long EAGLE_VIDIOC_S_INPUT;
extern const unsigned long EAGLE_VIDIOC_G_DV_TIMINGS;
extern const unsigned long EAGLE_VIDIOC_S_DV_TIMINGS;
extern const unsigned long EAGLE_VIDIOC_ENUM_DV_TIMINGS;

extern const uint32_t EAGLE_V4L2_PIX_FMT_MJPEG;
extern const uint32_t EAGLE_V4L2_PIX_FMT_JPEG;
extern const uint32_t EAGLE_V4L2_PIX_FMT_YUYV;
extern const uint32_t EAGLE_V4L2_PIX_FMT_GREY;
extern const uint32_t EAGLE_V4L2_PIX_FMT_RGB24;

#ifdef __cplusplus
}
#endif
#endif
