// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// function per argument kind curl documents (long, pointer/string, curl_off_t, callback).
#ifndef EAGLE_CURL_H
#define EAGLE_CURL_H

#include <curl/curl.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The write and header callbacks' shape: curl_write_callback.
typedef size_t (*eagle_curl_write_fn)(char *data, size_t size, size_t count, void *context);

/// curl_global_init(CURL_GLOBAL_DEFAULT): the flags are macros built from other macros.
CURLcode eagle_curl_global_init(void);

/// The progress callback's shape: curl_xferinfo_callback. Non-zero aborts the transfer.
typedef int (*eagle_curl_xferinfo_fn)(void *context, curl_off_t download_total, curl_off_t downloaded,
                                      curl_off_t upload_total, curl_off_t uploaded);

CURLcode eagle_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode eagle_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode eagle_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode eagle_curl_setopt_write_function(CURL *handle, CURLoption option, eagle_curl_write_fn callback);
CURLcode eagle_curl_setopt_xferinfo_function(CURL *handle, eagle_curl_xferinfo_fn callback);

CURLcode eagle_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode eagle_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);

#ifdef __cplusplus
}
#endif
#endif
