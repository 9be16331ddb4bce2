/*
 * NAME
 *	textfile 3
 * SUMMARY
 *	a whole configuration-like text file in memory
 * SYNOPSIS
 *	#include "textfile.h"
 * DESCRIPTION
 *	See textfile.h.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_alloc.h"
#include "textfile.h"

/* textfile_read - the file's text, or NULL with the problem in errors */
char *
textfile_read(const char *path, struct strlist *errors)
{
	size_t len = 0, cap = 0, n;
	char *text = NULL, *p;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		strlist_addf(errors, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			if (cap > TEXTFILE_MAX) {
				strlist_addf(errors, "%s: file too large", path);
				free(text);
				fclose(fp);
				return NULL;
			}
			if ((p = conf_realloc(text, cap + 1)) == NULL) {
				strlist_addf(errors, "%s: out of memory", path);
				free(text);
				fclose(fp);
				return NULL;
			}
			text = p;
		}
		n = fread(text + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		strlist_addf(errors, "%s: read error: %s", path, strerror(errno));
		free(text);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	text[len] = '\0';
	if (memchr(text, '\0', len) != NULL) {
		strlist_addf(errors, "%s: NUL byte in file", path);
		free(text);
		return NULL;
	}
	return text;
}

/* textfile_line - the next line, trimmed, cut in place; NULL at the end */
char *
textfile_line(char **cursor)
{
	char *s = *cursor, *eol, *e;

	if (*s == '\0')
		return NULL;
	if ((eol = strchr(s, '\n')) != NULL) {
		*eol = '\0';
		*cursor = eol + 1;
	} else
		*cursor = s + strlen(s);
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}
