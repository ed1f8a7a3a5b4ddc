// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import:
// these binders pass it for the caller, so SQLite copies the bytes before the call returns.
#ifndef EAGLE_SQLITE_H
#define EAGLE_SQLITE_H

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

int eagle_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int length);
int eagle_sqlite3_bind_blob_copy(sqlite3_stmt *statement, int index, const void *bytes, int length);

#ifdef __cplusplus
}
#endif
#endif
