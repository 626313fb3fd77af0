/*
 * Allocation that cannot fail: out of memory ends the program through
 * fatal(), which first runs the exit hook (the UI uses it to end curses).
 */
#ifndef TT_XMALLOC_H
#define TT_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	 xmalloc_set_exit_hook(void (*)(void));

#endif
